"""Single-factor water class against GB 3838-2002 表1, boundary by boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.domain.environment.water import parameter_class, section_class
from ecer.domain.errors import EcerError

D = Decimal
CLASSES = ["I", "II", "III", "IV", "V"]

# GB 3838-2002 表1 "≤" items, typed here a second time on purpose (mg/L; coliform per L).
# (code, kind, limits for I..V)
NOT_MORE_THAN: list[tuple[str, str, list[str]]] = [
    ("CODMn", "river", ["2", "4", "6", "10", "15"]),
    ("COD", "river", ["15", "15", "20", "30", "40"]),
    ("BOD5", "river", ["3", "3", "4", "6", "10"]),
    ("NH3N", "river", ["0.15", "0.5", "1.0", "1.5", "2.0"]),
    ("TP", "river", ["0.02", "0.1", "0.2", "0.3", "0.4"]),
    ("TP", "lake", ["0.01", "0.025", "0.05", "0.1", "0.2"]),
    ("TN", "lake", ["0.2", "0.5", "1.0", "1.5", "2.0"]),
    ("Cu", "river", ["0.01", "1.0", "1.0", "1.0", "1.0"]),
    ("Zn", "river", ["0.05", "1.0", "1.0", "2.0", "2.0"]),
    ("F", "river", ["1.0", "1.0", "1.0", "1.5", "1.5"]),
    ("Se", "river", ["0.01", "0.01", "0.01", "0.02", "0.02"]),
    ("As", "river", ["0.05", "0.05", "0.05", "0.1", "0.1"]),
    ("Hg", "river", ["0.00005", "0.00005", "0.0001", "0.001", "0.001"]),
    ("Cd", "river", ["0.001", "0.005", "0.005", "0.005", "0.01"]),
    ("Cr6", "river", ["0.01", "0.05", "0.05", "0.05", "0.1"]),
    ("Pb", "river", ["0.01", "0.01", "0.05", "0.05", "0.1"]),
    ("CN", "river", ["0.005", "0.05", "0.2", "0.2", "0.2"]),
    ("phenol", "river", ["0.002", "0.002", "0.005", "0.01", "0.1"]),
    ("petroleum", "river", ["0.05", "0.05", "0.05", "0.5", "1.0"]),
    ("LAS", "river", ["0.2", "0.2", "0.2", "0.3", "0.3"]),
    ("sulfide", "river", ["0.05", "0.1", "0.2", "0.5", "1.0"]),
    ("coliform", "river", ["200", "2000", "10000", "20000", "40000"]),
]
DO_LIMITS = ["7.5", "6", "5", "3", "2"]  # 表1 item 3, "≥"; class I is 饱和率90%（或7.5）
TINY = D("0.000001")


def _cases() -> list[tuple[str, str, Decimal, str, Decimal, str]]:
    """(code, kind, limit, class at it, value just above, class there) for every class limit."""
    out = []
    for code, kind, limits in NOT_MORE_THAN:
        values = [D(v) for v in limits]
        for limit in values:
            at = CLASSES[values.index(limit)]  # shared limit → the better (first) class
            higher = [j for j, v in enumerate(values) if v > limit]
            above = CLASSES[higher[0]] if higher else "劣V"
            out.append((code, kind, limit, at, limit + TINY, above))
    return out


@pytest.mark.parametrize(("code", "kind", "limit", "at", "just_above", "above"), _cases())
def test_not_more_than_boundaries(code: str, kind: str, limit: Decimal, at: str, just_above: Decimal, above: str) -> None:
    """表1 "≤": a value at a limit takes the best class sharing that limit; just above, the next one."""
    assert parameter_class(code, limit, kind) == at
    assert parameter_class(code, just_above, kind) == above


@pytest.mark.parametrize(("position", "limit"), list(enumerate(DO_LIMITS)))
def test_dissolved_oxygen_boundaries(position: int, limit: str) -> None:
    """表1 item 3 "≥": DO at a limit takes that class; just below, the next worse (below 2 → 劣V)."""
    assert parameter_class("DO", D(limit)) == CLASSES[position]
    below = CLASSES[position + 1] if position < 4 else "劣V"
    assert parameter_class("DO", D(limit) - TINY) == below


@pytest.mark.parametrize(
    ("ph", "expected"),
    [("6", "I"), ("9", "I"), ("7.2", "I"), ("5.99", "劣V"), ("9.01", "劣V"), ("0", "劣V")],
)
def test_ph_inside_6_to_9_is_class_one(ph: str, expected: str) -> None:
    """表1 item 2: pH 6–9 for every class, so inside it counts as I; outside is beyond V."""
    assert parameter_class("pH", D(ph)) == expected


def test_cod_15_is_class_one() -> None:
    """The issue's example: COD 15 mg/L is class I (I and II share 15); 15.1 is III (limit 20)."""
    assert parameter_class("COD", D("15")) == "I"
    assert parameter_class("COD", D("15.1")) == "III"


def test_lake_total_phosphorus_has_its_own_limits() -> None:
    """表1 item 8: TP 0.05 mg/L is class II in a river (≤0.1) but class III in a lake (≤0.05)."""
    assert parameter_class("TP", D("0.05"), "river") == "II"
    assert parameter_class("TP", D("0.05"), "lake") == "III"


def test_river_total_nitrogen_has_no_class() -> None:
    """表1 item 9 gives TN limits for lakes and reservoirs only."""
    assert parameter_class("TN", D("1.2"), "river") is None
    assert parameter_class("TN", D("1.2"), "lake") == "IV"


def test_section_class_is_the_worst_counted_parameter() -> None:
    """NH3-N 1.2 → IV (≤1.5) sets the class over COD 18 → III, DO 6.5 → II and pH 7.5 → I."""
    result = section_class({"pH": D("7.5"), "DO": D("6.5"), "COD": D("18"), "NH3N": D("1.2")}, "river")
    assert result.classes == {"pH": "I", "DO": "II", "COD": "III", "NH3N": "IV"}
    assert result.water_class == "IV"
    assert result.limiting_parameters == ["NH3N"]


def test_reference_items_are_classified_but_do_not_count() -> None:
    """评价办法: TN (lakes) and faecal coliform are reference items; here both are 劣V, the class is II."""
    result = section_class({"DO": D("6.2"), "TN": D("3"), "coliform": D("50000"), "TP": D("0.02")}, "lake")
    assert result.classes == {"DO": "II", "TN": "劣V", "coliform": "劣V", "TP": "II"}
    assert result.water_class == "II"
    assert result.limiting_parameters == ["DO", "TP"]


def test_ph_counts_when_everything_is_class_one() -> None:
    result = section_class({"pH": D("7"), "COD": D("12")}, "river")
    assert result.water_class == "I"
    assert result.limiting_parameters == ["pH", "COD"]


def test_ph_outside_band_sets_the_class() -> None:
    result = section_class({"pH": D("9.2"), "COD": D("12")}, "river")
    assert (result.water_class, result.limiting_parameters) == ("劣V", ["pH"])


def test_blank_values_are_skipped() -> None:
    result = section_class({"pH": None, "COD": D("25")}, "river")
    assert result.classes == {"COD": "IV"}


@pytest.mark.parametrize(
    ("values", "kind", "code"),
    [
        ({"COD": D("10")}, "sea", "WATER_BAD_KIND"),
        ({"BOD": D("10")}, "river", "WATER_UNKNOWN_PARAMETER"),
        ({"coliform": D("100")}, "river", "WATER_NO_COUNTED_PARAMETER"),
        ({"COD": D("-1")}, "river", "IMPORT_NEGATIVE_VALUE"),
    ],
)
def test_bad_samples_are_refused(values: dict[str, Decimal], kind: str, code: str) -> None:
    with pytest.raises(EcerError) as refused:
        section_class(values, kind)
    assert refused.value.code == code


@given(a=st.decimals(min_value=0, max_value=50, places=3), b=st.decimals(min_value=0, max_value=50, places=3))
def test_higher_cod_is_never_a_better_class(a: Decimal, b: Decimal) -> None:
    order = [*CLASSES, "劣V"]
    low, high = sorted((a, b))
    assert order.index(parameter_class("COD", low)) <= order.index(parameter_class("COD", high))  # type: ignore[arg-type]
