"""Dual-control accounting against hand-worked examples (figures chosen to make the arithmetic visible)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from ecer.domain.energy.dual_control import EnergyStatistics, account, renewable_increment_10k_tce
from ecer.domain.energy.periods import Period
from ecer.domain.energy.targets import AccountingRules, RegionTargets

Y = Period.YEAR
RULES = AccountingRules(base_year=2020, target_year=2025)
TARGETS = RegionTargets(basic=D("0.145"), incentive=D("0.155"))


def row(year, energy, index, period=Y, **extra):
    return EnergyStatistics("测试区", year, period, gdp_100m_yuan=D(100), gdp_index=D(index),
                            energy_10k_tce=D(energy), **{k: D(str(v)) for k, v in extra.items()})


def stats(*rows):
    return {(r.year, r.period): r for r in rows}


BASIC = stats(row(2020, 100, "102.0"), row(2021, 102, 105), row(2022, 104, 104), row(2023, 100, 106))


def test_intensity_change_and_cumulative_reduction_2021():
    """2021: I ratio = (102/100)/1.05 = 0.971428…; change −2.857 %; R = 2.857 %."""
    r = account("测试区", 2021, Y, BASIC, TARGETS, RULES)
    assert r.intensity_change == D(102) / D(100) / D("1.05") - 1
    assert round(r.intensity_change, 6) == D("-0.028571")
    assert r.cumulative_reduction == -r.intensity_change
    assert r.missing == []


def test_cumulative_reduction_chains_indices_2022():
    """2022: R = 1 − (104/100)/(1.05 × 1.04) = 1 − 1.04/1.092 = 0.047619…; change = (104/102)/1.04 − 1."""
    r = account("测试区", 2022, Y, BASIC, TARGETS, RULES)
    assert round(r.cumulative_reduction, 6) == D("0.047619")
    assert round(r.intensity_change, 6) == D("-0.019608")
    assert r.gap == r.cumulative_reduction - r.required_progress
    assert r.gap < 0  # 4.76 % < 6.07 % required: behind


def test_barometer_levels_ndrc_2021h1():
    """Fell 1.96 % < 3.085 % annual target → yellow; fell 9.29 % → green; rose → red."""
    assert account("测试区", 2022, Y, BASIC, TARGETS, RULES).level == "yellow"
    assert account("测试区", 2023, Y, BASIC, TARGETS, RULES).level == "green"
    rising = stats(row(2020, 100, 102), row(2021, 110, 104))
    assert account("测试区", 2021, Y, rising, TARGETS, RULES).level == "red"


def test_plan_annual_target_replaces_path_rate_in_barometer():
    """With a plan annual target of 1.5 % for 2022, a fall of 1.96 % is green."""
    targets = RegionTargets(D("0.145"), D("0.155"), annual={2022: D("0.015")})
    assert account("测试区", 2022, Y, BASIC, targets, RULES).level == "green"


def test_year_to_date_uses_previous_full_year_not_base_quarter():
    """2022 H1: R = 1 − I2021/I2020 × I(2022H1)/I(2021H1) = 1 − (1.02/1.05) × (51/50)/1.03."""
    data = dict(BASIC)
    data.update(stats(row(2021, 50, 106, Period.H1), row(2022, 51, 103, Period.H1), row(2020, 1, 100, Period.H1)))
    r = account("测试区", 2022, Period.H1, data, TARGETS, RULES)
    within = D(51) / D(50) / D("1.03")
    assert r.intensity_change == within - 1
    assert r.cumulative_reduction == 1 - (D(102) / D(100) / D("1.05")) * within
    assert r.required_annual_rate_remaining is None  # only for 全年


def test_feedstock_and_listed_projects_deducted_2022_rules():
    """E′2021 = 112 − 12 − 3 = 97, E′2020 = 100 − 10 = 90; (97/90)/1.05 − 1 = +2.646 % → red."""
    data = stats(row(2020, 100, 102, feedstock_10k_tce=10),
                 row(2021, 112, 105, feedstock_10k_tce=12, listed_projects_10k_tce=3))
    r = account("测试区", 2021, Y, data, TARGETS, RULES)
    assert r.intensity_change == D(97) / D(90) / D("1.05") - 1
    assert r.level == "red"


def test_policy_2024_takes_nonfossil_out_in_both_years():
    """E′ = E − F − S − NF: (112 − 12 − 20)/(100 − 10 − 15) / 1.05."""
    rules = AccountingRules(2020, 2025, policy_rule_set="2024")
    data = stats(row(2020, 100, 102, feedstock_10k_tce=10, nonfossil_10k_tce=15),
                 row(2021, 112, 105, feedstock_10k_tce=12, nonfossil_10k_tce=20))
    r = account("测试区", 2021, Y, data, TARGETS, rules)
    assert r.intensity_change == D(80) / D(75) / D("1.05") - 1


def test_policy_2024_reports_missing_nonfossil():
    rules = AccountingRules(2020, 2025, policy_rule_set="2024")
    data = stats(row(2020, 100, 102, nonfossil_10k_tce=15), row(2021, 112, 105))
    r = account("测试区", 2021, Y, data, TARGETS, rules)
    assert r.intensity_change is None and r.level is None
    assert "2021 全年 nonfossil_10k_tce" in r.missing


def test_renewable_increment():
    """(8 − 5) 亿kWh × 300 gce/kWh = 9 × 10^10 g = 9 万tce; a fall in RE takes nothing out."""
    assert renewable_increment_10k_tce(D(8), D(5), D(300)) == D(9)
    assert renewable_increment_10k_tce(D(4), D(5), D(300)) == 0


def test_assessed_total_and_renewables_in_intensity():
    data = stats(row(2020, 100, 102, renewable_electricity_100m_kwh=5),
                 row(2021, 110, 105, renewable_electricity_100m_kwh=8))
    coal_rate = {2021: D(300)}.get
    plain = account("测试区", 2021, Y, data, TARGETS, RULES, coal_rate)
    assert plain.assessed_energy_10k_tce == D(101)  # 110 − 9
    assert plain.intensity_change == D(110) / D(100) / D("1.05") - 1  # flag off: intensity unchanged
    flagged = account("测试区", 2021, Y, data, TARGETS, AccountingRules(2020, 2025, renewables_in_intensity=True),
                      coal_rate)
    assert flagged.intensity_change == D(101) / D(100) / D("1.05") - 1


def test_missing_previous_year_is_listed():
    r = account("测试区", 2022, Y, stats(row(2022, 100, 105)), TARGETS, RULES)
    assert r.intensity_change is None and r.cumulative_reduction is None and r.level is None
    assert "2021 全年 energy_10k_tce" in r.missing and "2020 全年 energy_10k_tce" in r.missing


def test_targets_met_in_target_year_compare_with_the_five_year_target():
    """2025: R = 1 − 0.85 = 0.15 ≥ 14.5 % basic but < 15.5 % incentive."""
    data = stats(row(2020, 100, 102), *(row(y, 100, 100) for y in range(2021, 2025)), row(2025, 85, 100))
    r = account("测试区", 2025, Y, data, TARGETS, RULES)
    assert r.cumulative_reduction == D("0.15")
    assert r.basic_met is True and r.incentive_met is False and r.total_exempt is False
    assert r.required_annual_rate_remaining is None


@given(st.decimals("0.5", "2", places=3), st.decimals("95", "110", places=1), st.decimals("95", "110", places=1))
def test_scale_invariance_and_chaining(k, i1, i2):
    """Intensity results ignore the unit of energy; (1 − R2022) = (1 − R2021)(1 + change2022)."""
    base = stats(row(2020, 100, 100), row(2021, 97, i1), row(2022, 95, i2))
    scaled = stats(*(row(r.year, r.energy_10k_tce * k, r.gdp_index) for r in base.values()))
    a = account("测试区", 2022, Y, base, TARGETS, RULES)
    b = account("测试区", 2022, Y, scaled, TARGETS, RULES)
    assert abs(a.cumulative_reduction - b.cumulative_reduction) < D("1e-20")
    r2021 = account("测试区", 2021, Y, base, TARGETS, RULES).cumulative_reduction
    assert abs((1 - a.cumulative_reduction) - (1 - r2021) * (1 + a.intensity_change)) < D("1e-20")
