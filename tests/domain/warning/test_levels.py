"""ndrc-2021q1 level rule (issue 2 barometer rule sets, reused by issue 5 pollutant progress)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.domain.warning.levels import level_ndrc_2021q1


@pytest.mark.parametrize(
    ("achieved", "required", "level"),
    [
        (Decimal("0.4"), Decimal("0.4"), "green"),  # exactly met
        (Decimal("0.5"), Decimal("0.4"), "green"),
        (Decimal("0.36"), Decimal("0.4"), "yellow"),  # short 0.04 = exactly 10 % of 0.4
        (Decimal("0.3601"), Decimal("0.4"), "yellow"),
        (Decimal("0.3599"), Decimal("0.4"), "red"),  # short 0.0401 > 0.04
        (0.36, 0.4, "yellow"),  # floats read by their decimal repr, so the boundary holds
        (0.54, 0.6, "yellow"),
        (Fraction(9, 10), 1, "yellow"),
        (Decimal(0), Decimal(0), "green"),  # nothing required yet
        (Decimal("-0.01"), Decimal(0), "red"),  # offsets exceed reductions
    ],
)
def test_boundaries(achieved: object, required: object, level: str) -> None:
    assert level_ndrc_2021q1(achieved, required) == level  # type: ignore[arg-type]


_ORDER = {"red": 0, "yellow": 1, "green": 2}
_fractions = st.fractions(min_value=0, max_value=2, max_denominator=1000)


@given(_fractions, _fractions, _fractions)
def test_more_achieved_never_lowers_the_level(a: Fraction, b: Fraction, required: Fraction) -> None:
    low, high = sorted((a, b))
    assert _ORDER[level_ndrc_2021q1(low, required)] <= _ORDER[level_ndrc_2021q1(high, required)]
