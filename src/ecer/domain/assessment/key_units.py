"""The 重点用能单位节能管理 item scored from data: monthly reports on time and units within budget.

A key unit reported on time in a year when each month's 能源月报 whose deadline has passed was first
submitted (drafts do not count) on or before that deadline — the rubric's ``report_due_day`` of the
next month. A unit is within budget when its year forecast does not exceed its energy-use budget.

Points = max × (report_weight × on-time units ÷ units + budget_weight × units within budget ÷ units
with a budget); when no unit has a budget, the reporting share carries all the points. A region with
no key unit gets full points (nothing to manage), as a year without alarms does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ecer.domain.assessment.rubric import KeyUnitRule
from ecer.domain.assessment.sheet import AutoScore


def report_deadline(year: int, month: int, due_day: int) -> dt.date:
    """Month ``month``'s report is due on ``due_day`` of the following month.

    >>> report_deadline(2024, 12, 15)
    datetime.date(2025, 1, 15)
    """
    return dt.date(year + month // 12, month % 12 + 1, due_day)


def reported_on_time(year: int, submitted: Mapping[int, dt.date | None], due_day: int, as_of: dt.date) -> bool:
    """Whether every month due by ``as_of`` was first submitted by its deadline (a missing month is late).

    Parameters
    ----------
    submitted : month (1–12) → local date the month's report was first submitted (None or absent: never)
    as_of : the evaluation date; months whose deadline is later are not yet due
    """
    for month in range(1, 13):
        due = report_deadline(year, month, due_day)
        if due > as_of:
            continue
        when = submitted.get(month)
        if when is None or when > due:
            return False
    return True


@dataclass(frozen=True)
class UnitStanding:
    """One key unit of the region in the assessed year."""

    name: str
    on_time: bool
    within_budget: bool | None  # None: the unit has no budget (or no forecast) for the year


def key_units_score(units: Sequence[UnitStanding] | None, rule: KeyUnitRule, max_points: Decimal) -> AutoScore:
    """Score the item; ``units`` None means the key-unit module holds no data at all.

    Examples
    --------
    Four units, three reported on time; two have a budget and one of them stays within it:
    8 × (0.5 × 3/4 + 0.5 × 1/2) = 8 × 0.625 = 5.

    >>> from decimal import Decimal as D
    >>> rule = KeyUnitRule(report_due_day=15, report_weight=D("0.5"), budget_weight=D("0.5"))
    >>> units = [UnitStanding("a", True, True), UnitStanding("b", True, False), UnitStanding("c", True, None),
    ...          UnitStanding("d", False, None)]
    >>> key_units_score(units, rule, D(8)).points
    Decimal('5.000')
    """
    if units is None:
        return AutoScore(None, "重点用能单位模块尚无数据")
    if not units:
        return AutoScore(max_points, "本地区无登记的重点用能单位")
    on_time = sum(u.on_time for u in units)
    budgeted = [u for u in units if u.within_budget is not None]
    within = sum(bool(u.within_budget) for u in budgeted)
    late = [u.name for u in units if not u.on_time]
    over = [u.name for u in budgeted if not u.within_budget]
    basis = f"重点用能单位 {len(units)} 家，能源月报按时报送 {on_time} 家"
    if budgeted:
        share = (rule.report_weight * Decimal(on_time) / Decimal(len(units))
                 + rule.budget_weight * Decimal(within) / Decimal(len(budgeted)))
        basis += f"；有用能预算 {len(budgeted)} 家，预计未超预算 {within} 家"
    else:
        share = Decimal(on_time) / Decimal(len(units))
        basis += "；均无用能预算，按报送情况计分"
    if late:
        basis += f"；未按时报送：{'、'.join(late)}"
    if over:
        basis += f"；预计超预算：{'、'.join(over)}"
    return AutoScore(max_points * share, basis)
