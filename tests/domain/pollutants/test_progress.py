"""Progress against Annex 2 (“十四五”各县区主要污染物重点工程减排量目标) with the ndrc-2021q1 levels.

Worked case: 市本级 COD target 2 700 t (Annex 2 of the Jilin City plan), base year 2020, target 2025.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ecer.domain.errors import EcerError
from ecer.domain.pollutants.progress import (
    Offset,
    ProjectReduction,
    cumulative_reduction_t,
    pollutant_progress,
    required_progress_annual,
    required_progress_linear,
)

D = Decimal

PROJECTS = [
    ProjectReduction(2020, D(300), verified=True),  # base year: already in the base, not counted
    ProjectReduction(2021, D(800), verified=True),
    ProjectReduction(2022, D(700), verified=True),
    ProjectReduction(2023, D(200)),  # claimed
    ProjectReduction(2024, D(500)),  # not yet commissioned in 2023
]
OFFSETS = [Offset(2022, D(80))]


def progress(year: int, projects=PROJECTS, offsets=OFFSETS, target=D(2700), **kw):
    return pollutant_progress(
        region="市本级", region_code=None, pollutant="COD", year=year, target_t=target,
        projects=projects, offsets=offsets, **kw,
    )


def test_cumulative_counts_each_project_once_from_commissioning() -> None:
    """2023: 800 + 700 + 200 − 80 (offset) = 1 620 t; 2021: 800 t; 2025: 1 620 + 500 = 2 120 t."""
    assert cumulative_reduction_t(PROJECTS, OFFSETS, 2020, 2023) == D(1620)
    assert cumulative_reduction_t(PROJECTS, OFFSETS, 2020, 2021) == D(800)
    assert cumulative_reduction_t(PROJECTS, OFFSETS, 2020, 2025) == D(2120)


def test_required_progress_linear() -> None:
    """(Y − 2020)/(2025 − 2020): 2021 → 1/5, 2023 → 3/5, 2025 → 1, 2026 → capped at 1."""
    assert required_progress_linear(2020, 2025, 2021) == Fraction(1, 5)
    assert required_progress_linear(2020, 2025, 2023) == Fraction(3, 5)
    assert required_progress_linear(2020, 2025, 2025) == 1
    assert required_progress_linear(2020, 2025, 2026) == 1


def test_required_progress_from_annual_amounts() -> None:
    """Annual 300, 500, 700 t for 2021–23 against 2 700 t: (300 + 500 + 700)/2 700 = 5/9."""
    annual = {2021: D(300), 2022: D(500), 2023: D(700), 2024: D(600)}
    assert required_progress_annual(annual, D(2700), 2020, 2023) == Fraction(5, 9)


def test_row_for_2023_exactly_met_is_green() -> None:
    """completion 1 620/2 700 = 0.6 = required 3/5: met → green; basis mixed (verified + claimed)."""
    row = progress(2023)
    assert row.cumulative_reduction_t == D(1620)
    assert row.target_t == D(2700)
    assert row.required_progress == D("0.6")
    assert row.completion == D("0.6")
    assert row.level == "green"
    assert row.basis == "mixed"


def test_exactly_ten_percent_short_is_yellow() -> None:
    """1 458 t: 1 458/2 700 = 0.54; 0.6 − 0.54 = 0.06 = 10 % of 0.6 → yellow (within 10 %)."""
    row = progress(2023, projects=[ProjectReduction(2021, D(1458))], offsets=[])
    assert row.completion == D("0.54")
    assert row.level == "yellow"
    assert row.basis == "claimed"


def test_more_than_ten_percent_short_is_red() -> None:
    """1 457 t: 0.5396… < 0.54 → short by more than 10 % of the requirement → red."""
    row = progress(2023, projects=[ProjectReduction(2021, D(1457))], offsets=[])
    assert row.level == "red"


def test_offsets_can_turn_the_level() -> None:
    """2021: 800 − 0 = 800 ≥ 540 (1/5 × 2 700) green; with a 300 t offset in 2021, 500/2 700 = 0.185 < 0.2,
    short 0.0148 ≤ 0.02 → yellow."""
    assert progress(2021, offsets=[]).level == "green"
    row = progress(2021, offsets=[Offset(2021, D(300))])
    assert row.cumulative_reduction_t == D(500)
    assert row.level == "yellow"


def test_verified_only_basis() -> None:
    assert progress(2022).basis == "verified"


def test_no_projects_counted_has_no_basis() -> None:
    row = progress(2021, projects=[ProjectReduction(2024, D(10))], offsets=[])
    assert row.cumulative_reduction_t == 0
    assert row.basis is None
    assert row.level == "red"


def test_zero_target_gives_no_ratios() -> None:
    """永吉县 VOCs target 0 t (Annex 2): required_progress, completion and level are None."""
    row = pollutant_progress(
        region="永吉县", region_code=None, pollutant="VOCs", year=2023, target_t=D(0),
        projects=[ProjectReduction(2022, D(5))],
    )
    assert row.cumulative_reduction_t == D(5)
    assert row.required_progress is None
    assert row.completion is None
    assert row.level is None


def test_annual_amounts_replace_the_linear_path() -> None:
    """Required 5/9 = 0.5556 instead of 0.6; 1 620/2 700 = 0.6 ≥ 5/9 → green."""
    row = progress(2023, annual_t={2021: D(300), 2022: D(500), 2023: D(700)})
    assert row.required_progress == D(5) / D(9)
    assert row.level == "green"


def test_base_year_itself_requires_nothing() -> None:
    row = progress(2020)
    assert row.required_progress == 0
    assert row.level == "green"


@pytest.mark.parametrize(("year", "target"), [(2019, D(2700)), (2023, D(-1))])
def test_invalid_year_or_target(year: int, target: Decimal) -> None:
    with pytest.raises(EcerError) as err:
        progress(year, target=target)
    assert err.value.code == "REDUCTION_PROGRESS_INVALID"
