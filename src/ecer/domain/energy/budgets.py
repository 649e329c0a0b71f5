"""Energy-use budgets (用能预算管理, 吉林市方案 四(一)): consumption to date, year-end forecast, room, warning.

The forecast is seasonal, from the unit's own history: the share of a full year's consumption that
its earlier years had used by the same month (averaged over those years) scales up this year's
consumption to date. With no complete earlier year it falls back to the straight-line 12/m.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

WARNING_SHARE = Decimal("0.9")  # forecast above 90 % of the budget: attention (ECER's choice)


class BudgetLevel(StrEnum):
    OK = "ok"
    ATTENTION = "attention"  # forecast > 90 % of the budget
    FORECAST_OVER = "forecast_over"  # forecast > budget
    EXCEEDED = "exceeded"  # consumption to date > budget

    @property
    def label_zh(self) -> str:
        return {"ok": "正常", "attention": "关注（预计超过预算90%）", "forecast_over": "预警（预计超预算）",
                "exceeded": "已超预算"}[self.value]


def seasonal_share(history: Mapping[int, Mapping[int, Decimal]], month: int) -> Decimal | None:
    """Mean share of the year's consumption used by the end of ``month`` over complete past years.

    Parameters
    ----------
    history : mapping year → (month → consumption)
        Earlier years; only years with all 12 months and a positive total count. [tce]
    month : int
        Last month with data this year, 1–12.

    Examples
    --------
    >>> year = {m: Decimal(2 if m <= 3 else 1) for m in range(1, 13)}   # 15 in all, 6 by March
    >>> seasonal_share({2023: year}, 3)
    Decimal('0.4')
    """
    shares = []
    for months in history.values():
        if set(months) >= set(range(1, 13)):
            total = sum((months[m] for m in range(1, 13)), Decimal(0))
            if total > 0:
                shares.append(sum((months[m] for m in range(1, month + 1)), Decimal(0)) / total)
    return sum(shares, Decimal(0)) / len(shares) if shares else None


@dataclass(frozen=True)
class Forecast:
    to_date: Decimal
    months: int
    year_end: Decimal
    method: str  # seasonal | linear


def forecast_year_end(to_date_by_month: Mapping[int, Decimal],
                      history: Mapping[int, Mapping[int, Decimal]]) -> Forecast | None:
    """Year-end consumption from this year's months (1..m, consecutive) and the unit's history.

    .. math:: \\hat E = E_{1..m} / \\bar s_m, \\quad \\bar s_m = \\frac{1}{N}\\sum_y \\frac{E_{y,1..m}}{E_{y,1..12}}

    Examples
    --------
    >>> year = {m: Decimal(2 if m <= 3 else 1) for m in range(1, 13)}
    >>> forecast_year_end({1: Decimal(3), 2: Decimal(3), 3: Decimal(3)}, {2023: year}).year_end
    Decimal('22.5')
    """
    if not to_date_by_month:
        return None
    month = max(to_date_by_month)
    to_date = sum(to_date_by_month.values(), Decimal(0))
    share = seasonal_share(history, month)
    if share:
        return Forecast(to_date, month, to_date / share, "seasonal")
    return Forecast(to_date, month, to_date * 12 / month, "linear")


@dataclass(frozen=True)
class BudgetStatus:
    budget: Decimal
    to_date: Decimal
    forecast: Decimal | None
    remaining: Decimal
    forecast_margin: Decimal | None  # budget − forecast (negative: the forecast exceeds the budget)
    level: BudgetLevel


def budget_status(budget: Decimal, forecast: Forecast | None) -> BudgetStatus:
    """Remaining room and warning level of a budget [same unit as the budget, e.g. tce].

    Examples
    --------
    >>> budget_status(Decimal(100), Forecast(Decimal(40), 6, Decimal(95), "seasonal")).level
    <BudgetLevel.ATTENTION: 'attention'>
    """
    to_date = forecast.to_date if forecast else Decimal(0)
    year_end = forecast.year_end if forecast else None
    if to_date > budget:
        level = BudgetLevel.EXCEEDED
    elif year_end is not None and year_end > budget:
        level = BudgetLevel.FORECAST_OVER
    elif year_end is not None and year_end > WARNING_SHARE * budget:
        level = BudgetLevel.ATTENTION
    else:
        level = BudgetLevel.OK
    margin = None if year_end is None else budget - year_end
    return BudgetStatus(budget, to_date, year_end, budget - to_date, margin, level)


def forecast_from_period_shares(to_date: Decimal, shares: list[Decimal]) -> Forecast | None:
    """Year-end from a cumulative period figure (一季度, 上半年, 前三季度) and past years' shares.

    ``shares``: for each earlier year, that year's same-period figure over its full year. With no
    share the forecast is unknown (None): a region's seasonality is too strong for a straight line.

    Examples
    --------
    >>> forecast_from_period_shares(Decimal(50), [Decimal("0.48"), Decimal("0.52")]).year_end == 100
    True
    """
    usable = [s for s in shares if s > 0]
    if not usable:
        return None
    share = sum(usable, Decimal(0)) / len(usable)
    return Forecast(to_date, 0, to_date / share, "seasonal")
