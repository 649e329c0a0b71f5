"""重点工程 and 环境质量 for the web: projects, Annex 2 progress and air/water evaluation, scoped by principal.

District users read their own region's rows plus the city summary; enterprise users read a project
only when its owner is their key unit (by name) and no environmental-quality data at all (stations
are not linked to units), so they are refused rather than shown an empty page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.services import emission_projects as projects
from ecer.services import environment_quality as quality
from ecer.services.dashboard import current_plan
from ecer.storage import emission_projects as store
from ecer.storage.environment import AirReading, WaterSample
from ecer.web.access import Principal


def _enterprise_unit(session: Session, principal: Principal) -> str:
    from ecer.storage.key_units import KeyUnit

    unit = session.get(KeyUnit, principal.unit_id) if principal.unit_id is not None else None
    if unit is None:
        raise EcerError("ACCESS_DENIED", "企业用户未关联重点用能单位")
    return unit.name


def project_rows(session: Session, principal: Principal, region: str | None = None,
                 project_status: str | None = None) -> list[dict[str, Any]]:
    """The latest approved revision of each project, verified reductions replacing claimed ones."""
    plan = current_plan(session)
    city = plan.city.name
    if region is not None and principal.role != "enterprise" and not principal.can_read_region(region, city):
        raise EcerError("ACCESS_DENIED", region)
    owner = _enterprise_unit(session, principal) if principal.role == "enterprise" else None
    verified = store.approved_verified_t(session)
    rows = []
    for rev in store.latest_approved_projects(session):
        if owner is not None and rev.owner != owner:
            continue
        if owner is None and not principal.can_read_region(rev.region, city):
            continue
        if (region is not None and rev.region != region) or (project_status and rev.project_status != project_status):
            continue
        row = projects.record_row(rev, verified)
        claimed, used = row["claimed_t"], row["reduction_t"]
        rows.append({**{k: row[k] for k in ("id", "code", "name", "region", "owner", "project_type", "basis",
                                            "start_date", "commissioning_date", "project_status", "status")},
                     **{f"claimed_{p.lower()}_t": claimed.get(p) for p in projects.TARGET_FIELDS},
                     **{f"verified_{p.lower()}_t": (used.get(p) if (rev.code, p) in verified else None)
                        for p in projects.TARGET_FIELDS}})
    if owner is not None and not rows:
        raise EcerError("ACCESS_DENIED", "本单位没有重点减排工程")
    return sorted(rows, key=lambda r: (r["region"], r["code"]))


def default_progress_year(session: Session) -> int:
    """This year, but not past the plan's target year (progress is reported within the plan)."""
    import datetime as dt

    return min(current_plan(session).metadata.target_year, dt.date.today().year)


def progress_rows(session: Session, principal: Principal, year: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Annex 2 progress by region and pollutant: the city summary and the readable regions."""
    if principal.role == "enterprise":
        raise EcerError("ACCESS_DENIED", "企业用户不能查看地区减排进度")
    city = current_plan(session).city.name
    report = projects.progress(session, year)
    rows = [projects.progress_json(r) for r in report.rows if principal.can_read_region(r.region, city)]
    return rows, (report.mismatches if principal.reads_all_regions else [])


def latest_env_year(session: Session) -> int | None:
    """The latest year with air or water data (the evaluation year by default)."""
    air = session.scalar(select(func.max(AirReading.date)))
    water = session.scalar(select(func.max(WaterSample.sampled_at)))
    years = [d.year for d in (air, water) if d is not None]
    return max(years) if years else None


def _env_year(session: Session, year: int | None) -> int:
    chosen = year or latest_env_year(session)
    if chosen is None:
        raise EcerError("ENV_NO_STATIONS")
    return chosen


def _scoped(rows: list[dict[str, Any]], principal: Principal, city: str) -> list[dict[str, Any]]:
    """City rows for every reader; region, station and section rows by the row's region."""
    return [r for r in rows if r["scope"] == "city" or principal.can_read_region(r["region"], city)]


def _no_enterprise(principal: Principal) -> None:
    if principal.role == "enterprise":
        raise EcerError("ACCESS_DENIED", "企业用户不能查看环境质量数据")


def air_rows(session: Session, principal: Principal, year: int | None, month: int | None) -> list[dict[str, Any]]:
    _no_enterprise(principal)
    plan = current_plan(session)
    rows = quality.evaluate_air(session, plan, _env_year(session, year), month)
    return _scoped(rows, principal, plan.city.name)


def water_rows(session: Session, principal: Principal, year: int | None, month: int | None) -> list[dict[str, Any]]:
    _no_enterprise(principal)
    plan = current_plan(session)
    rows = quality.evaluate_water(session, plan, _env_year(session, year), month)
    return _scoped(rows, principal, plan.city.name)


def page_data(session: Session, principal: Principal, year: int | None) -> dict[str, Any]:
    """The 环境质量 page's data, with stations and sections outside the principal's scope removed."""
    _no_enterprise(principal)
    plan = current_plan(session)
    data = quality.page_data(session, plan, _env_year(session, year))
    city = plan.city.name
    keep = {s["code"] for s in data["stations"] if principal.can_read_region(s["region"], city)}
    data["stations"] = [s for s in data["stations"] if s["code"] in keep]
    data["daily_aqi"] = {k: v for k, v in data["daily_aqi"].items() if k in keep}
    data["trends"] = {k: v for k, v in data["trends"].items() if k in keep}
    data["sections"] = [s for s in data["sections"] if principal.can_read_region(s["region"], city)]
    return data


def env_years(session: Session) -> list[int]:
    first = session.scalar(select(func.min(AirReading.date)))
    last = latest_env_year(session)
    if first is None or last is None:
        return [last] if last else []
    return list(range(last, first.year - 1, -1))

