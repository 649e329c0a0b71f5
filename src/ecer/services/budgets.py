"""Budget status of regions and units, and budgets for new projects drawn from a region's room.

A region's consumption comes from its latest approved statistics of the year (等价值, 万tce); a
year-to-date period is scaled to the year by the same period's share of the year in earlier years.
Room = budget − forecast (or the full-year figure) − budgets already given to new projects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy import budgets as domain
from ecer.domain.energy.periods import Period
from ecer.domain.errors import EcerError
from ecer.storage import budgets as store
from ecer.storage.statistics import latest_approved

TCE_PER_10K = Decimal(10000)
PERIOD_ORDER = (Period.YEAR, Period.Q1_Q3, Period.H1, Period.Q1)


def region_status(session: Session, region: str, year: int) -> dict[str, Any]:
    records = store.budgets(session, year, "region", region)
    if not records:
        raise EcerError("BUDGET_NOT_SET", f"{region} {year}", field="region", value=region)
    budget = records[0].budget_tce
    stats = latest_approved(session, region).get(region, {})
    period = next((p for p in PERIOD_ORDER if (year, p) in stats and stats[(year, p)].energy_10k_tce is not None),
                  None)
    forecast = None
    if period is not None:
        to_date = stats[(year, period)].energy_10k_tce * TCE_PER_10K  # type: ignore[operator]
        if period is Period.YEAR:
            forecast = domain.Forecast(to_date, 12, to_date, "reported")
        else:
            shares = [stats[(y, period)].energy_10k_tce / stats[(y, Period.YEAR)].energy_10k_tce  # type: ignore[operator]
                      for y in range(year - 5, year)
                      if (y, period) in stats and (y, Period.YEAR) in stats
                      and stats[(y, Period.YEAR)].energy_10k_tce]
            forecast = domain.forecast_from_period_shares(to_date, shares) or domain.Forecast(
                to_date, 0, to_date, "to_date_only")
    projects = [b for b in store.budgets(session, year, "project", region)]
    drawn = sum((b.budget_tce for b in projects), Decimal(0))
    status = domain.budget_status(budget - drawn, forecast)
    committed = forecast.year_end if forecast else Decimal(0)
    return {"scope": "region", "region": region, "year": year, "budget_tce": budget,
            "period": period.value if period else None, "to_date_tce": status.to_date,
            "forecast_tce": status.forecast, "forecast_method": forecast.method if forecast else None,
            "projects_tce": drawn, "room_tce": budget - committed - drawn, "level": status.level.value,
            "level_zh": status.level.label_zh}


def region_room(session: Session, region: str, year: int) -> Decimal | None:
    """The region's remaining room [tce, 等价值]; None when it has no budget for the year."""
    try:
        return region_status(session, region, year)["room_tce"]  # type: ignore[no-any-return]
    except EcerError:
        return None


def allocate_project(session: Session, region: str, year: int, project: str, budget_tce: Decimal,
                     actor: str, note: str | None = None) -> dict[str, Any]:
    """A new project's budget from the region's room; refused when the room is smaller."""
    from ecer.importers.budgets import BudgetRow

    room = region_status(session, region, year)["room_tce"]
    row = BudgetRow(year, "project", region, None, project, budget_tce, note)
    existing = next((b for b in store.budgets(session, year, "project", region) if b.key == row.key), None)
    available = room + (existing.budget_tce if existing else 0)
    if budget_tce > available:
        raise EcerError("BUDGET_ROOM_EXCEEDED", f"{project} 需 {budget_tce} tce，{region} 剩余 {available} tce",
                        field="tce", value=budget_tce)
    store.save_budgets(session, [row], {}, actor=actor, batch_id=None)
    return {"region": region, "year": year, "project": project, "budget_tce": budget_tce,
            "room_before_tce": available, "room_after_tce": available - budget_tce}


def status_rows(session: Session, year: int, region: str | None = None) -> list[dict[str, Any]]:
    """Every region and unit budget of the year with its status."""
    from ecer.services.key_units import budget_of_unit
    from ecer.storage.energy_reports import approved_months
    from ecer.storage.key_units import KeyUnit

    rows: list[dict[str, Any]] = []
    records = store.budgets(session, year, None, region)
    months_of = approved_months(session, [r.unit_id for r in records if r.unit_id is not None])  # one query
    for record in records:
        if record.scope == "region":
            rows.append(region_status(session, record.region, year))
        elif record.scope == "unit" and record.unit_id is not None:
            unit = session.get(KeyUnit, record.unit_id)
            assert unit is not None
            status = budget_of_unit(session, unit, year, months_of.get(unit.id, {})) or {}
            rows.append({"scope": "unit", "region": unit.region, "credit_code": unit.credit_code,
                         "name": unit.name, **status})
        else:
            rows.append({"scope": "project", "region": record.region, "year": year, "project": record.project,
                         "budget_tce": record.budget_tce})
    return rows
