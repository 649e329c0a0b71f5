"""Indicator progress, one rule per kind, on the Jilin plan's own indicators.

Targets from 吉林市“十四五”节能减排综合实施方案（征求意见稿） §二, §三; the reported values are
hand-picked so each ratio can be worked by hand (shown beside each assertion).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecer.domain.errors import EcerError
from ecer.domain.plan.indicators import achieved_change, indicator_progress
from ecer.domain.plan.loader import builtin_plan
from ecer.domain.plan.model import Indicator

D = Decimal


def jilin(indicator_id: str) -> Indicator:
    return builtin_plan("jilin-2021-2025").indicator(indicator_id)


# --- reduction_vs_base ----------------------------------------------------------------------


def test_reduction_reported_as_the_change() -> None:
    """§二 −15 %; a bulletin reports 累计下降 9 % in 2023: 0.09 / 0.15 = 0.6 of the way."""
    p = indicator_progress(jilin("energy_intensity_reduction"), D("0.09"), 2023)
    assert p.achieved == D("0.09")
    assert p.progress == D("0.6")
    assert p.met is False
    assert p.status == "尚未达到目标（目标年份 2025），完成进度 60.0%"


def test_reduction_from_levels() -> None:
    """§三(一) water per 10⁴ yuan −13 %: 20 → 17.2 m³/万元 is (20 − 17.2)/20 = 0.14 ≥ 0.13."""
    p = indicator_progress(jilin("industrial_water_intensity_reduction"), D("17.2"), 2024, baseline=D("20"))
    assert p.achieved == D("0.14")
    assert p.met is True
    assert p.progress == D("0.14") / D("0.13")
    assert p.status.startswith("已达到目标")


def test_rise_in_points() -> None:
    """§三(四) rail freight share +0.5 points: 10.0 % → 10.4 % is +0.4 points, 0.004/0.005 = 0.8."""
    p = indicator_progress(jilin("rail_freight_share_increase"), D("0.104"), 2025, baseline=D("0.100"))
    assert p.achieved == D("0.004")
    assert p.progress == D("0.8")
    assert p.met is False
    assert p.status == "未完成目标，完成进度 80.0%"


def test_relative_change_from_zero_baseline_is_refused() -> None:
    with pytest.raises(EcerError) as info:
        achieved_change(jilin("industrial_water_intensity_reduction"), D("1"), D("0"))
    assert info.value.code == "INPUT_INVALID"


# --- level_to_reach --------------------------------------------------------------------------


def test_level_from_zero() -> None:
    """§三(五) straw 86 %: 43 % reached is 0.43/0.86 = 0.5 of the way."""
    p = indicator_progress(jilin("straw_utilisation_rate"), D("0.43"), 2022)
    assert p.progress == D("0.5")
    assert p.met is False


def test_level_from_baseline() -> None:
    """§三(三) clean heating 80 %: from 60 % to 75 % is (0.75 − 0.60)/(0.80 − 0.60) = 0.75."""
    p = indicator_progress(jilin("urban_clean_heating_share"), D("0.75"), 2023, baseline=D("0.60"))
    assert p.progress == D("0.75")


def test_strictly_above() -> None:
    """§三(一) 超过30 %: exactly 30 % does not meet it, 31 % does."""
    ind = jilin("benchmark_efficiency_capacity_share")
    assert indicator_progress(ind, D("0.30"), 2025).met is False
    assert indicator_progress(ind, D("0.31"), 2025).met is True


def test_at_least() -> None:
    """§三(四) 不低于40 %: exactly 40 % meets it."""
    assert (
        indicator_progress(jilin("new_public_service_vehicle_new_energy_share"), D("0.40"), 2025).met is True
    )


# --- ceiling ---------------------------------------------------------------------------------


def test_ceiling_met() -> None:
    """§三(一) PUE 不高于1.3: 1.25 meets it; no baseline, so no progress fraction."""
    p = indicator_progress(jilin("new_large_data_centre_pue"), D("1.25"), 2024)
    assert p.met is True
    assert p.progress is None
    assert p.status == "已达到目标"


def test_ceiling_progress_from_baseline() -> None:
    """§三(七) 300 gce/kWh: from 310 to 305 is (310 − 305)/(310 − 300) = 0.5 of the way."""
    p = indicator_progress(jilin("thermal_power_supply_coal_rate"), D("305"), 2023, baseline=D("310"))
    assert p.progress == D("0.5")
    assert p.met is False


def test_ceiling_exactly_at_the_limit() -> None:
    assert indicator_progress(jilin("thermal_power_supply_coal_rate"), D("300"), 2025).met is True


# --- cumulative_amount -----------------------------------------------------------------------


def test_cumulative_amount() -> None:
    """§二 COD 10308 t over 2021–25: 5154 t by 2023 is 5154/10308 = 0.5."""
    p = indicator_progress(jilin("cod_key_project_reduction"), D("5154"), 2023)
    assert p.progress == D("0.5")
    assert p.met is False


def test_cumulative_amount_reached() -> None:
    """§三(九) 15万立方米/日 of new sewage capacity: 160 000 m³/d exceeds it (160/150)."""
    p = indicator_progress(jilin("new_sewage_treatment_capacity"), D("160000"), 2025)
    assert p.met is True
    assert p.progress == D("160000") / D("150000")


def test_target_year_past_and_missed() -> None:
    """§三(六) 70 % of agencies by end-2022: 65 % in 2023 is a missed target."""
    p = indicator_progress(jilin("conservation_oriented_agency_share"), D("0.65"), 2023)
    assert p.met is False
    assert p.status.startswith("未完成目标")


@given(st.decimals(min_value=0, max_value=2, places=4))
@example(D("0.86"))
def test_level_met_exactly_when_progress_reaches_one(value: Decimal) -> None:
    """For a ``>=`` level with no baseline, met ⇔ v/t ≥ 1 (t = 86 %, §三(五) straw)."""
    p = indicator_progress(jilin("straw_utilisation_rate"), value, 2025)
    assert p.met == (p.progress is not None and p.progress >= 1)


@given(st.decimals(min_value=1, max_value=100, places=2), st.decimals(min_value=1, max_value=100, places=2))
def test_reduction_from_levels_matches_the_reported_change(baseline: Decimal, level: Decimal) -> None:
    """Reporting the level with its baseline, or the change itself, gives the same progress."""
    ind = jilin("industrial_water_intensity_reduction")
    from_levels = indicator_progress(ind, level, 2024, baseline=baseline)
    from_change = indicator_progress(ind, (baseline - level) / baseline, 2024)
    assert from_levels.progress == from_change.progress
    assert from_levels.met == from_change.met
