"""Dual control (能耗双控) of energy intensity and total, per region and statistical period.

Sign conventions (issue 2 §3, kept exactly because other tools rely on them):

- ``intensity_change`` = I(t,P) / I(t−1,P) − 1: negative means intensity fell;
- ``cumulative_reduction`` R vs the base year: for 全年 R = 1 − I(t)/I(base); for a year-to-date
  period R = 1 − I(t−1)/I(base) × I(t,P)/I(t−1,P), never against the base year's own quarter;
- ``gap`` = R − required progress: negative means behind.

All fractions are unrounded Decimals (0.145, not 14.5 %).

References
----------
.. [1] 国家发展改革委 发改环资〔2021〕1310号 完善能源消费强度和总量双控制度方案 (listed major projects;
   total exempt when the incentive target is met).
.. [2] 发改环资〔2022〕803号 关于进一步做好原料用能不纳入能源消费总量控制有关工作的通知 (feedstock).
.. [3] 发改运行〔2022〕1258号 关于进一步做好新增可再生能源消费不纳入能源消费总量控制有关工作的通知.
.. [4] 发改环资〔2024〕113号 关于加强绿色电力证书与节能降碳政策衔接 (non-fossil energy out of the
   intensity and total).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ecer.domain.energy.periods import Period
from ecer.domain.energy.targets import (
    AccountingRules,
    RegionTargets,
    annual_target,
    rate_still_needed,
    required_progress,
)
from ecer.domain.warning.barometer import Level, level_for_rule

ONE = Decimal(1)
HUNDRED = Decimal(100)
# 1 亿kWh × 1 gce/kWh = 10^8 g = 100 t = 0.01 万tce
TEN_K_TCE_PER_100M_KWH_PER_GCE = Decimal("0.01")


@dataclass(frozen=True)
class EnergyStatistics:
    """One region's published figures for one year and period (what the statistics workbook holds).

    ``None`` means "not reported". Feedstock and listed-project energy default to 0 (issue 2 §5).
    """

    region: str
    year: int
    period: Period
    gdp_100m_yuan: Decimal | None  # current prices [亿元]
    gdp_index: Decimal | None  # same period of the previous year = 100
    energy_10k_tce: Decimal | None  # total energy consumption [万tce]
    coal_10k_tce: Decimal | None = None
    nonfossil_10k_tce: Decimal | None = None
    renewable_electricity_100m_kwh: Decimal | None = None  # [亿kWh]
    feedstock_10k_tce: Decimal = Decimal(0)
    listed_projects_10k_tce: Decimal = Decimal(0)


@dataclass
class DualControlResult:
    region: str
    year: int
    period: Period
    intensity_change: Decimal | None
    cumulative_reduction: Decimal | None
    required_progress: Decimal
    gap: Decimal | None
    level: Level | None
    basic_target: Decimal
    incentive_target: Decimal
    basic_met: bool | None
    incentive_met: bool | None
    required_annual_rate_remaining: Decimal | None
    assessed_energy_10k_tce: Decimal | None  # total for assessment, after the policy's deductions
    total_exempt: bool | None  # incentive target met: total energy not assessed (1310号)
    missing: list[str] = field(default_factory=list)


class _Inputs:
    """Reads statistics for one region, recording every input that was needed but not reported."""

    def __init__(self, stats: Mapping[tuple[int, Period], EnergyStatistics]) -> None:
        self._stats = stats
        self.missing: list[str] = []

    def get(self, year: int, period: Period, name: str) -> Decimal | None:
        row = self._stats.get((year, period))
        value = getattr(row, name) if row is not None else None
        if value is None:
            label = f"{year} {period.value} {name}"
            if label not in self.missing:
                self.missing.append(label)
        return value


def _sub(*values: Decimal | None) -> Decimal | None:
    if any(v is None for v in values):
        return None
    first, *rest = values
    return first - sum(rest, Decimal(0))  # type: ignore[operator]


def renewable_increment_10k_tce(
    re_now: Decimal | None, re_base: Decimal | None, coal_rate_gce_per_kwh: Decimal | None
) -> Decimal | None:
    """New renewable electricity taken out of the total: max(0, RE_t − RE_base) × c_t [万tce].

    c_t is the year's average thermal power *generation* coal rate (发电煤耗) [gce/kWh], per 1258号.
    """
    if re_now is None or re_base is None or coal_rate_gce_per_kwh is None:
        return None
    return max(Decimal(0), re_now - re_base) * coal_rate_gce_per_kwh * TEN_K_TCE_PER_100M_KWH_PER_GCE


def _intensity_energy(
    inputs: _Inputs,
    year: int,
    period: Period,
    rules: AccountingRules,
    coal_rate: Callable[[int], Decimal | None],
) -> Decimal | None:
    """The intensity numerator E′ for one year and period under the plan's policy rule set."""
    is_base = year == rules.base_year
    energy = inputs.get(year, period, "energy_10k_tce")
    feedstock = inputs.get(year, period, "feedstock_10k_tce")
    if rules.policy_rule_set == "2024":
        listed = inputs.get(year, period, "listed_projects_10k_tce")
        nonfossil = inputs.get(year, period, "nonfossil_10k_tce")
        return _sub(energy, feedstock, listed, nonfossil)
    if is_base:
        return _sub(energy, feedstock)
    value = _sub(energy, feedstock, inputs.get(year, period, "listed_projects_10k_tce"))
    if rules.renewables_in_intensity:
        increment = renewable_increment_10k_tce(
            inputs.get(year, period, "renewable_electricity_100m_kwh"),
            inputs.get(rules.base_year, period, "renewable_electricity_100m_kwh"),
            _coal_rate(inputs, coal_rate, year),
        )
        value = _sub(value, increment)
    return value


def _coal_rate(inputs: _Inputs, coal_rate: Callable[[int], Decimal | None], year: int) -> Decimal | None:
    value = coal_rate(year)
    if value is None:
        label = f"{year} generation_coal_rate_gce_per_kwh"
        if label not in inputs.missing:
            inputs.missing.append(label)
    return value


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def intensity_ratio_year_on_year(
    inputs: _Inputs, year: int, period: Period, rules: AccountingRules, coal_rate: Callable[[int], Decimal | None]
) -> Decimal | None:
    """I(t,P) / I(t−1,P) = (E′(t,P) / E′(t−1,P)) ÷ (GDP index(t,P) / 100)."""
    energy_ratio = _ratio(
        _intensity_energy(inputs, year, period, rules, coal_rate),
        _intensity_energy(inputs, year - 1, period, rules, coal_rate),
    )
    index = inputs.get(year, period, "gdp_index")
    if energy_ratio is None or index is None:
        return None
    return energy_ratio / (index / HUNDRED)


def intensity_ratio_to_base(
    inputs: _Inputs, year: int, rules: AccountingRules, coal_rate: Callable[[int], Decimal | None]
) -> Decimal | None:
    """I(t) / I(base) for full years: E′ ratio over GDP at constant base-year prices (chained indices)."""
    if year == rules.base_year:
        return ONE
    energy_ratio = _ratio(
        _intensity_energy(inputs, year, Period.YEAR, rules, coal_rate),
        _intensity_energy(inputs, rules.base_year, Period.YEAR, rules, coal_rate),
    )
    growth = ONE
    for k in range(rules.base_year + 1, year + 1):
        index = inputs.get(k, Period.YEAR, "gdp_index")
        if index is None:
            growth = None  # type: ignore[assignment]
            break
        growth *= index / HUNDRED
    if energy_ratio is None or growth is None:
        return None
    return energy_ratio / growth


def cumulative_reduction(
    inputs: _Inputs, year: int, period: Period, rules: AccountingRules, coal_rate: Callable[[int], Decimal | None]
) -> Decimal | None:
    if period.is_year:
        ratio = intensity_ratio_to_base(inputs, year, rules, coal_rate)
        return None if ratio is None else ONE - ratio
    previous = intensity_ratio_to_base(inputs, year - 1, rules, coal_rate)
    within = intensity_ratio_year_on_year(inputs, year, period, rules, coal_rate)
    if previous is None or within is None:
        return None
    return ONE - previous * within


def assessed_energy(
    inputs: _Inputs, year: int, period: Period, rules: AccountingRules, coal_rate: Callable[[int], Decimal | None]
) -> Decimal | None:
    """Total energy for assessment (能耗总量考核口径)."""
    if rules.policy_rule_set == "2024":
        return _intensity_energy(inputs, year, period, rules, coal_rate)
    energy = _sub(
        inputs.get(year, period, "energy_10k_tce"),
        inputs.get(year, period, "feedstock_10k_tce"),
        inputs.get(year, period, "listed_projects_10k_tce") if year != rules.base_year else Decimal(0),
    )
    if year == rules.base_year:
        return energy
    increment = renewable_increment_10k_tce(
        inputs.get(year, period, "renewable_electricity_100m_kwh"),
        inputs.get(rules.base_year, period, "renewable_electricity_100m_kwh"),
        _coal_rate(inputs, coal_rate, year),
    )
    return _sub(energy, increment)


def account(
    region: str,
    year: int,
    period: Period,
    stats: Mapping[tuple[int, Period], EnergyStatistics],
    targets: RegionTargets,
    rules: AccountingRules,
    coal_rate: Callable[[int], Decimal | None] = lambda _year: None,
) -> DualControlResult:
    """Dual-control progress of one region for one year and period.

    Parameters
    ----------
    stats : mapping (year, period) → EnergyStatistics
        The region's latest approved figures; the base year, the previous year and (for
        cumulative figures) every year between must be present.
    targets : RegionTargets
        Five-year basic and incentive reduction (fractions) and any annual targets.
    coal_rate : callable year → gce/kWh
        Average thermal power generation coal rate, for new renewable electricity.
    """
    inputs = _Inputs(stats)
    change_ratio = intensity_ratio_year_on_year(inputs, year, period, rules, coal_rate)
    change = None if change_ratio is None else change_ratio - ONE
    cumulative = cumulative_reduction(inputs, year, period, rules, coal_rate)
    required = required_progress(targets.basic, year, rules, targets.annual)
    gap = None if cumulative is None else cumulative - required
    in_target_year = year == rules.target_year and period.is_year

    def met(target: Decimal) -> bool | None:
        if cumulative is None:
            return None
        threshold = target if in_target_year else required_progress(target, year, rules, targets.annual)
        return cumulative >= threshold

    remaining = None
    if period.is_year and year < rules.target_year and cumulative is not None:
        remaining = rate_still_needed(targets.basic, cumulative, year, rules)
    level = level_for_rule(
        rules.barometer_rule, change, cumulative, required, annual_target(targets.basic, year, rules, targets.annual)
    )
    incentive_met = met(targets.incentive)
    # the assessed total reports what is missing for it separately: it is not a barometer input
    total_inputs = _Inputs(stats)
    total = assessed_energy(total_inputs, year, period, rules, coal_rate)
    return DualControlResult(
        region=region,
        year=year,
        period=period,
        intensity_change=change,
        cumulative_reduction=cumulative,
        required_progress=required,
        gap=gap,
        level=level,
        basic_target=targets.basic,
        incentive_target=targets.incentive,
        basic_met=met(targets.basic),
        incentive_met=incentive_met,
        required_annual_rate_remaining=remaining,
        assessed_energy_10k_tce=total,
        total_exempt=incentive_met,
        missing=inputs.missing,
    )
