"""The formula language: parsing, evaluation, unit algebra, rendering; never Python ``eval``."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecer.domain.pollutants import expression as ex
from ecer.domain.units import registry


def test_precedence_and_parentheses() -> None:
    """2 + 3 × 4 = 14; (2 + 3) × 4 = 20; 20 ÷ 4 ÷ 5 = 1 (left-associative); −2 × 3 = −6."""
    assert ex.evaluate(ex.parse("2 + 3 * 4"), {}) == 14
    assert ex.evaluate(ex.parse("(2 + 3) * 4"), {}) == 20
    assert ex.evaluate(ex.parse("20 / 4 / 5"), {}) == 1
    assert ex.evaluate(ex.parse("10 - 4 - 3"), {}) == 3
    assert ex.evaluate(ex.parse("-2 * 3"), {}) == -6


def test_names_and_scientific_numbers() -> None:
    """Q × (C_in − C_out) × 1e-6 with Q = 3 650 000, C 250 → 50: 3 650 000 × 200 × 10⁻⁶ = 730."""
    node = ex.parse("Q * (C_in - C_out) * 1e-6")
    scope = {"Q": Decimal(3650000), "C_in": Decimal(250), "C_out": Decimal(50)}
    assert ex.evaluate(node, scope) == Decimal(730)


def test_sum_over_a_group() -> None:
    """sum(items: a × b) over (2, 3), (4, 5) = 6 + 20 = 26, then × (1 − k) with k = 0.5 → 13."""
    node = ex.parse("sum(items: a * b) * (1 - k)")
    groups = {"items": [{"a": Decimal(2), "b": Decimal(3)}, {"a": Decimal(4), "b": Decimal(5)}]}
    assert ex.evaluate(node, {"k": Decimal("0.5")}, groups) == 13


def test_names_lists_group_members() -> None:
    node = ex.parse("sum(items: usage * w) * (1 - eta)")
    assert ex.names(node) == {("items", "usage"), ("items", "w"), (None, "eta")}


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "a ** 2", "a +", "(a", "sum(a)", "sum(g: sum(h: x))", "a b", "1 < 2", "a.b"],
)
def test_refuses_text_outside_the_grammar(text: str) -> None:
    with pytest.raises(ex.ExpressionError):
        ex.parse(text)


def test_unknown_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        ex.evaluate(ex.parse("a + b"), {"a": Decimal(1)})


def test_unit_algebra_finds_the_scale() -> None:
    """m³/a × mg/L = 10⁻⁶ t/a: 1 m³ × 1 mg/L = 1000 mg = 10⁻⁶ t; C_in − C_out must not cancel to 0."""
    ureg = registry()
    scope = {
        "Q": ureg.Quantity(Decimal(1), "m**3/accounting_year"),
        "C_in": ureg.Quantity(Decimal(1), "mg/L"),
        "C_out": ureg.Quantity(Decimal(1), "mg/L"),
    }
    result = ex.evaluate_units(ex.parse("Q * (C_in - C_out)"), scope, one=lambda d: ureg.Quantity(d, ""))
    assert result.to("t/accounting_year").magnitude == Decimal("1e-6")


def test_unit_algebra_refuses_adding_different_units() -> None:
    """mg/L − g/m³ is dimensionally fine but magnitudes in different units must not be subtracted."""
    ureg = registry()
    scope = {"a": ureg.Quantity(Decimal(1), "mg/L"), "b": ureg.Quantity(Decimal(1), "g/m**3")}
    with pytest.raises(ex.ExpressionError):
        ex.evaluate_units(ex.parse("a - b"), scope, one=lambda d: ureg.Quantity(d, ""))


def test_render() -> None:
    assert ex.render(ex.parse("Q * (C_in - C_out)")) == "Q × (C_in − C_out)"
    assert ex.render(ex.parse("a - (b - c)")) == "a − (b − c)"
    assert ex.render(ex.parse("a / (b * c)")) == "a ÷ (b × c)"
    assert ex.render(ex.parse("sum(g: x * y)")) == "Σ_g[x × y]"
    assert ex.format_number(Decimal("1e-6")) == "10⁻⁶"
    assert ex.format_number(Decimal("1e-9")) == "10⁻⁹"
    assert ex.format_number(Decimal("0.5")) == "0.5"


# Oracle test (after SEED's derived-column tests): random expressions agree with Python arithmetic
# on Fractions, built from the same tree independently of the parser.
_names = st.sampled_from(["a", "b", "c"])
_leaf = st.one_of(st.integers(0, 50).map(str), _names)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"-{c}"),
    )


_exprs = st.recursive(_leaf, _combine, max_leaves=12)
_ENV = {"a": Fraction(3), "b": Fraction(7, 2), "c": Fraction(-5, 4)}


@given(_exprs)
@example("(a - (b - c)) / 2")
@example("-a * -b")
@example("(1 / (21 / 43))")
def test_agrees_with_fraction_oracle(text: str) -> None:
    try:
        # oracle only, on test-generated text; literals as Fractions so 1 / 2 is exact, not a float
        oracle_text = re.sub(r"\d+", lambda m: f"F({m.group()})", text)
        expected = eval(oracle_text, {"__builtins__": {}}, {**_ENV, "F": Fraction})
    except ZeroDivisionError:
        return
    scope = {k: Decimal(v.numerator) / Decimal(v.denominator) for k, v in _ENV.items()}
    try:
        with localcontext(prec=120):  # enough digits that cancellation cannot reach the tolerance
            got = ex.evaluate(ex.parse(text), scope)
    except ArithmeticError:
        return
    assert abs(Fraction(got) - expected) <= abs(expected) * Fraction(1, 10**20) + Fraction(1, 10**20)
