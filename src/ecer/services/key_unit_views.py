"""Key units, two-high projects and budgets as the web shows them, scoped to who is asking.

Scope (web issue §3): city, read-only and admin users read every unit; a district user the units,
projects and budgets of its own region; an enterprise user only its own unit (and that unit's
projects and budget). An object by id outside the scope is NOT_FOUND, so ids do not leak; a region
filter outside the scope is ACCESS_DENIED, as on the 地区 pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecer.domain.energy import reports
from ecer.domain.errors import EcerError
from ecer.services.dashboard import current_plan, require_region
from ecer.services.derived_cache import cached
from ecer.services.key_units import unit_year
from ecer.services.two_high import project_row
from ecer.storage.energy_reports import approved_months
from ecer.storage.key_units import EnergyBudget, EnergyReportRevision, KeyUnit, KeyUnitProduct, TwoHighProject
from ecer.storage.models import StatisticsRevision
from ecer.web.access import Principal

FLAGS = ("over_10k_tce", "over_50k_tce")


def may_read_unit(principal: Principal, unit_id: int, region: str) -> bool:
    """``can_read_unit`` plus the district rule: a district user reads the units of its own region."""
    if principal.can_read_unit(unit_id):
        return True
    return principal.role == "district" and region == principal.region


def report_year(session: Session) -> int | None:
    """The latest year with an approved monthly report (the default year of these pages); once per data
    version (the query reads every revision)."""
    year = cached(session, "report_year", (), KEY_UNIT_DATA, lambda: session.scalar(
        select(func.max(EnergyReportRevision.year)).where(EnergyReportRevision.status == "approved")))
    return int(year) if year is not None else None


def _region_filter(session: Session, principal: Principal, region: str | None) -> str | None:
    return require_region(principal, current_plan(session), region) if region else None


def readable_units(session: Session, principal: Principal, region: str | None) -> list[KeyUnit]:
    query = select(KeyUnit).order_by(KeyUnit.region, KeyUnit.credit_code)
    if region:
        query = query.where(KeyUnit.region == region)
    return [u for u in session.scalars(query) if may_read_unit(principal, u.id, u.region)]


def unit_rows(session: Session, principal: Principal, *, year: int | None = None, region: str | None = None,
              industry: str | None = None, category: str | None = None) -> list[dict[str, Any]]:
    """One row per readable unit: the year's energy, worst benchmark class of its products, budget status.

    ``industry`` matches the start of the GB/T 4754 code (``C30`` finds C3011) or the name exactly.
    The rows of every unit are computed once per data version (``ecer.services.derived_cache``), then
    filtered by scope and the filters.
    """
    region = _region_filter(session, principal, region)
    year = year or report_year(session)
    rows = []
    for row in all_unit_rows(session, year):
        if not may_read_unit(principal, row["id"], row["region"]) or (region and row["region"] != region):
            continue
        if industry and not (row["industry_code"].startswith(industry.upper()) or row["industry_name"] == industry):
            continue
        if category and row["category"] != category:
            continue
        rows.append(row)
    return rows


KEY_UNIT_DATA = (KeyUnit, KeyUnitProduct, EnergyReportRevision, EnergyBudget)


def all_unit_rows(session: Session, year: int | None) -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        units = list(session.scalars(select(KeyUnit).order_by(KeyUnit.region, KeyUnit.credit_code)))
        months = approved_months(session, [u.id for u in units]) if year else {}  # one query, not one per unit
        return [_unit_row(u, unit_year(session, u, year, months=months.get(u.id, {})) if year else None, year)
                for u in units]

    return cached(session, "unit_rows", (year,), KEY_UNIT_DATA, compute)


# from worst to best, so a unit shows the class of its least efficient product
CLASS_ORDER = ("below_baseline", "between", "benchmark")


def _unit_row(unit: KeyUnit, s: dict[str, Any] | None, year: int | None) -> dict[str, Any]:
    classes = [p["efficiency_class"] for p in (s or {}).get("products", []) if p["efficiency_class"]]
    worst = min(classes, key=lambda c: CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER),
                default=None)
    zh = next((p["efficiency_class_zh"] for p in s["products"] if p["efficiency_class"] == worst), None) if s else None
    budget = (s or {}).get("budget") or {}
    return {
        "id": unit.id, "credit_code": unit.credit_code, "name": unit.name, "region": unit.region,
        "industry_code": unit.industry_code, "industry_name": unit.industry_name, "year": year,
        "months_reported": s["months_reported"] if s else 0,
        "category": s["category"] if s else None, "category_zh": s["category_zh"] if s else None,
        "energy_calorific_tce": s["energy_calorific_tce"] if s else None,
        "energy_primary_tce": s["energy_primary_tce"] if s else None,
        "efficiency_class": worst, "efficiency_class_zh": zh,
        "budget_tce": budget.get("budget_tce"), "forecast_tce": budget.get("forecast_tce"),
        "budget_level": budget.get("level"), "budget_level_zh": budget.get("level_zh"),
    }


def _unit(session: Session, principal: Principal, unit_id: int) -> KeyUnit:
    unit = session.get(KeyUnit, unit_id)
    if unit is None or not may_read_unit(principal, unit.id, unit.region):
        raise EcerError("NOT_FOUND", f"重点用能单位 {unit_id}")
    return unit


def monthly_series(session: Session, unit_id: int) -> list[dict[str, Any]]:
    """Every approved month of the unit: comprehensive energy on both bases [tce]."""
    months = approved_months(session, [unit_id]).get(unit_id, {})
    series = []
    for (y, m), lines in sorted(months.items()):
        totals = reports.energy_totals(lines, y)
        series.append({"year": y, "month": m, "energy_calorific_tce": totals.calorific_tce,
                       "energy_primary_tce": totals.primary_tce})
    return series


def unit_detail(session: Session, principal: Principal, unit_id: int, year: int | None = None) -> dict[str, Any]:
    """``ecer units show`` for one readable unit, with its id and monthly energy series."""
    unit = _unit(session, principal, unit_id)
    year = year or report_year(session)
    detail: dict[str, Any] = {"id": unit.id, "year": year}
    if year is not None:
        detail.update(unit_year(session, unit, year))
    else:
        detail.update({"credit_code": unit.credit_code, "name": unit.name, "region": unit.region,
                       "industry_code": unit.industry_code, "industry_name": unit.industry_name,
                       "products": [], "budget": None})
    detail["monthly"] = monthly_series(session, unit.id)
    return detail


def _may_read_project(principal: Principal, p: TwoHighProject | _ProjectScope) -> bool:
    if principal.reads_all_regions:
        return True
    if principal.role == "district":
        return p.region == principal.region
    return p.unit_id is not None and principal.can_read_unit(p.unit_id)


def twohigh_rows(session: Session, principal: Principal, *, year: int | None = None, region: str | None = None,
                 status: str | None = None, flag: str | None = None) -> list[dict[str, Any]]:
    """The readable two-high inventory with its computed columns (``ecer twohigh list``)."""
    region = _region_filter(session, principal, region)
    if flag is not None and flag not in FLAGS:
        raise EcerError("NOT_FOUND", f"标记 {flag}（可选 {'、'.join(FLAGS)}）", field="flag", value=flag)
    year = year or report_year(session) or current_plan(session).metadata.target_year

    def compute() -> list[tuple[dict[str, Any], dict[str, Any]]]:
        rooms: dict[str, Any] = {}
        query = select(TwoHighProject).order_by(TwoHighProject.region, TwoHighProject.id)
        return [({"region": p.region, "unit_id": p.unit_id}, project_row(session, p, year, rooms=rooms))
                for p in session.scalars(query)]

    rows = cached(session, "twohigh_rows", (year,), TWO_HIGH_DATA, compute)
    return [r for scope, r in rows if _may_read_project(principal, _ProjectScope(**scope))
            and (not region or r["region"] == region) and (not status or r["status"] == status)
            and (flag is None or r[flag])]


TWO_HIGH_DATA = (TwoHighProject, KeyUnit, EnergyBudget, StatisticsRevision)


@dataclass(frozen=True)
class _ProjectScope:
    region: str
    unit_id: int | None


def twohigh_detail(session: Session, principal: Principal, project_id: int, year: int | None = None
                   ) -> dict[str, Any]:
    """One readable project with its dated supervision log."""
    from ecer.storage.two_high import log_of

    p = session.get(TwoHighProject, project_id)
    if p is None or not _may_read_project(principal, p):
        raise EcerError("NOT_FOUND", f"“两高”项目 {project_id}")
    year = year or report_year(session) or current_plan(session).metadata.target_year
    row = project_row(session, p, year)
    row["unit_id"] = p.unit_id
    row["log"] = [{"date": e.date, "note": e.note, "actor": e.actor} for e in log_of(session, p.id)]
    return row


def all_budget_rows(session: Session, year: int, region: str | None) -> list[dict[str, Any]]:
    """Every budget row of the year (and region), once per data version."""
    from ecer.services.budgets import status_rows

    return cached(session, "budget_rows", (year, region), KEY_UNIT_DATA, lambda: status_rows(session, year, region))


def budget_rows(session: Session, principal: Principal, *, year: int | None = None, region: str | None = None,
                scope: str | None = None) -> list[dict[str, Any]]:
    """Region, unit and project budgets of the year with their status, as far as the principal may read."""
    plan = current_plan(session)
    region = _region_filter(session, principal, region)
    year = year or report_year(session) or plan.metadata.target_year
    units = {code: (unit_id, unit_region) for code, unit_id, unit_region in session.execute(
        select(KeyUnit.credit_code, KeyUnit.id, KeyUnit.region))}  # plain rows: 10× cheaper than ORM objects
    rows = []
    for row in all_budget_rows(session, year, region):
        if scope and row["scope"] != scope:
            continue
        if row["scope"] == "unit":
            unit_id, unit_region = units[row["credit_code"]]
            if not may_read_unit(principal, unit_id, unit_region):
                continue
            row = {"unit_id": unit_id, **row}
        elif not principal.can_read_region(row["region"], plan.city.name):
            continue
        rows.append({"year": year, **row})
    return rows
