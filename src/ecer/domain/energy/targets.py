"""Five-year intensity targets turned into yearly requirements (paths).

With a five-year reduction R* over n = target − base years:

- geometric path (default): required(t) = 1 − (1 − R*)^((t − base)/n);
- linear path: required(t) = R*·(t − base)/n;
- the path's annual rate a = 1 − (1 − R*)^(1/n) (R* = 14.5 % → 3.085 %/year);
- where the plan gives annual targets a_k (that year's reduction vs the previous year),
  required(t) = 1 − Π_{k=base+1..t} (1 − a_k), a year without one taking the path's annual rate;
- the average annual rate still needed after year t: 1 − ((1 − R*)/(1 − R_t))^(1/(target − t)),
  floored at 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ONE = Decimal(1)


@dataclass(frozen=True)
class AccountingRules:
    """The accounting choices a plan makes (issue 2 §2 metadata)."""

    base_year: int
    target_year: int
    policy_rule_set: Literal["2022", "2024"] = "2022"
    renewables_in_intensity: bool = False
    progress_path: Literal["geometric", "linear"] = "geometric"
    barometer_rule: str = "ndrc-2021h1"

    @property
    def years(self) -> int:
        return self.target_year - self.base_year


@dataclass(frozen=True)
class RegionTargets:
    basic: Decimal  # five-year reduction, fraction
    incentive: Decimal
    annual: Mapping[int, Decimal] = field(default_factory=dict)  # year → that year's reduction rate


def path_annual_rate(target: Decimal, rules: AccountingRules) -> Decimal:
    """1 − (1 − R*)^(1/n): the constant yearly reduction that reaches R* in n years."""
    return ONE - (ONE - target) ** (ONE / Decimal(rules.years))


def annual_target(
    target: Decimal, year: int, rules: AccountingRules, annual: Mapping[int, Decimal] | None = None
) -> Decimal:
    """The year's target reduction vs the previous year: the plan's, else the path's annual rate."""
    if annual and year in annual:
        return annual[year]
    return path_annual_rate(target, rules)


def required_progress(
    target: Decimal, year: int, rules: AccountingRules, annual: Mapping[int, Decimal] | None = None
) -> Decimal:
    """Cumulative reduction vs the base year required by the end of ``year``."""
    elapsed = max(0, min(year, rules.target_year) - rules.base_year)
    if annual:
        remaining = ONE
        for k in range(rules.base_year + 1, rules.base_year + elapsed + 1):
            remaining *= ONE - annual_target(target, k, rules, annual)
        return ONE - remaining
    if rules.progress_path == "linear":
        return target * Decimal(elapsed) / Decimal(rules.years)
    if elapsed == 0:
        return Decimal(0)
    return ONE - (ONE - target) ** (Decimal(elapsed) / Decimal(rules.years))


def rate_still_needed(target: Decimal, achieved: Decimal, year: int, rules: AccountingRules) -> Decimal | None:
    """Average yearly reduction needed over the remaining years; None from the target year on."""
    years_left = rules.target_year - year
    if years_left <= 0:
        return None
    rate = ONE - ((ONE - target) / (ONE - achieved)) ** (ONE / Decimal(years_left))
    return max(Decimal(0), rate)
