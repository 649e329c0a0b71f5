"""What the web shows, scoped to who asks: the barometer, missing data, a region's series.

Each function takes the principal and returns only rows it may read (``ecer.web.access``), so the
API, the pages and exports cannot disagree about scope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecer.domain.energy.dual_control import account
from ecer.domain.energy.periods import Period
from ecer.domain.errors import EcerError
from ecer.services.derived_cache import cached
from ecer.services.energy import accounting_rules, generation_coal_rate, region_targets
from ecer.storage.emission_projects import EmissionProjectRevision, EmissionProjectVerification
from ecer.storage.models import IndicatorValue, PlanRecord, StatisticsRevision
from ecer.storage.plans import active_plan
from ecer.storage.statistics import to_statistics
from ecer.web.access import Principal

# The home page's figures share one data version (one query per request instead of one per figure).
# These tables are only appended to or changed with a change time (``derived_cache.CHANGE_TIMES``), never
# deleted from, so their version needs no row count (counting 10⁵ revisions cost a millisecond a request).
# Emission projects: the indicator table takes the key-project reductions from them.
HOME_DATA = (StatisticsRevision, IndicatorValue, PlanRecord, EmissionProjectRevision, EmissionProjectVerification)


def current_plan(session: Session) -> Any:
    """The active plan (parsed once per distinct text by ``active_plan``), read once per data version:
    every page asks for it, some several times. Treat the result as read-only."""
    return cached(session, "active_plan", (), HOME_DATA, lambda: active_plan(session), count=False)


def indicator_rows(session: Session) -> list[dict[str, Any]]:
    """``ecer.services.indicators.indicator_table`` (city-wide, every role may read it), computed once
    per data version: it parses the plan and runs the accounting, too slow to repeat on every page view."""
    from ecer.services.indicators import indicator_table

    return cached(session, "indicator_rows", (), HOME_DATA, lambda: indicator_table(session), count=False)


def latest_year(session: Session, plan: Any) -> int:
    """The latest year with approved full-year statistics (else the plan's base year); once per data
    version (the query scans every revision)."""

    year = cached(session, "latest_year", (), HOME_DATA, lambda: session.scalar(
        select(func.max(StatisticsRevision.year)).where(
            StatisticsRevision.status == "approved", StatisticsRevision.period == Period.YEAR.value)),
        count=False)
    return int(year) if year is not None else plan.metadata.base_year


def require_region(principal: Principal, plan: Any, region: str) -> str:
    """The plan's name for ``region``, if this principal may read it; else ACCESS_DENIED."""
    name = plan.region(region).name
    if not principal.can_read_region(name, plan.city.name):
        raise EcerError("ACCESS_DENIED", f"{principal.username} 不能查看 {name} 的数据", field="region", value=name)
    return name


def _latest_approved(session: Session) -> dict[str, dict[tuple[int, Period], Any]]:
    """Region → (year, period) → figures of the latest approved revision, fetching only those rows
    (the storage helper reads every approved revision, which grows with the revision history)."""
    latest = (select(func.max(StatisticsRevision.id)).where(StatisticsRevision.status == "approved")
              .group_by(StatisticsRevision.region, StatisticsRevision.year, StatisticsRevision.period))
    result: dict[str, dict[tuple[int, Period], Any]] = {}
    for rev in session.scalars(select(StatisticsRevision).where(StatisticsRevision.id.in_(latest))):
        result.setdefault(rev.region, {})[(rev.year, Period(rev.period))] = to_statistics(rev)
    return result


def barometer(session: Session, year: int, period: Period) -> list[Any]:
    """As ``ecer.services.energy.barometer`` (吉林市 first, then Annex 1 order), from the latest approved rows."""

    def compute() -> list[Any]:
        plan = current_plan(session)
        rules = accounting_rules(plan)
        stats = _latest_approved(session)
        return [account(r.name, year, period, stats.get(r.name, {}), region_targets(plan, r.name), rules,
                        generation_coal_rate) for r in plan.annex1_regions()]

    # computed once per data version: an import, an approval or a plan load changes it
    return cached(session, "barometer", (year, period), HOME_DATA, compute, count=False)


def progress_rows(session: Session, principal: Principal, year: int, period: Period,
                  region: str | None = None) -> list[dict[str, Any]]:
    """The barometer rows (keys as ``ecer progress --json``) this principal may read."""
    plan = current_plan(session)
    city = plan.city.name
    wanted = require_region(principal, plan, region) if region else None
    codes = {r.name: r.code for r in plan.annex1_regions()}
    rows = []
    for r in barometer(session, year, period):
        if not principal.can_read_region(r.region, city) or (wanted and r.region != wanted):
            continue
        rows.append({
            "region": r.region, "region_code": codes.get(r.region), "year": r.year, "period": r.period.value,
            "intensity_change": r.intensity_change, "cumulative_reduction": r.cumulative_reduction,
            "required_progress": r.required_progress, "gap": r.gap, "level": r.level,
            "basic_target": r.basic_target, "incentive_target": r.incentive_target, "basic_met": r.basic_met,
            "incentive_met": r.incentive_met, "required_annual_rate_remaining": r.required_annual_rate_remaining,
            "missing": r.missing,
        })
    return rows


def missing_rows(session: Session, principal: Principal, year: int, period: Period) -> list[dict[str, Any]]:
    """Regions whose figures for the period are not approved yet, or lack inputs the accounting needs."""
    city = current_plan(session).city.name
    return [row for row in cached(session, "missing_rows", (year, period), HOME_DATA,
                                  lambda: _missing(session, year, period), count=False)
            if principal.can_read_region(row["region"], city)]


def _missing(session: Session, year: int, period: Period) -> list[dict[str, Any]]:
    """``missing_rows`` of every region (scoped by the caller), once per data version."""
    plan = current_plan(session)
    of_period = (StatisticsRevision.year == year, StatisticsRevision.period == period.value)
    last_ids = select(func.max(StatisticsRevision.id)).where(*of_period).group_by(StatisticsRevision.region)
    latest = dict(session.execute(select(StatisticsRevision.region, StatisticsRevision.status)
                                  .where(StatisticsRevision.id.in_(last_ids))).all())
    approved_counts = dict(session.execute(
        select(StatisticsRevision.region, func.count(StatisticsRevision.id))
        .where(*of_period, StatisticsRevision.status == "approved").group_by(StatisticsRevision.region)).all())
    missing_inputs = {r.region: r.missing for r in barometer(session, year, period)}
    rows = []
    for region in plan.annex1_regions():
        status = latest.get(region.name)
        approved = approved_counts.get(region.name, 0)
        missing = list(missing_inputs.get(region.name) or [])
        if approved and not missing and status in (None, "approved"):
            continue
        if not approved:
            state = "未报送" if status is None else {"submitted": "待审核", "returned": "已退回", "draft": "草稿"}.get(
                status, status)
        else:
            state = "有待审核的新修订" if status is not None and status != "approved" else "缺少数据项"
        rows.append({"region": region.name, "year": year, "period": period.value, "state": state,
                     "latest_status": status, "missing": missing})
    return rows


def region_series(session: Session, principal: Principal, region: str) -> dict[str, Any]:
    """A region's full-year energy, GDP and intensity (latest approved revision) and its targets."""
    name = require_region(principal, current_plan(session), region)
    # a copy: callers add the barometer rows to it
    return dict(cached(session, "region_series", (name,), HOME_DATA, lambda: _region_series(session, name),
                       count=False))


def _region_series(session: Session, name: str) -> dict[str, Any]:
    plan = current_plan(session)
    approved: dict[int, StatisticsRevision] = {}
    pending: dict[int, StatisticsRevision] = {}
    for rev in session.scalars(select(StatisticsRevision).where(
            StatisticsRevision.region == name, StatisticsRevision.period == Period.YEAR.value)
            .order_by(StatisticsRevision.id)):
        (approved if rev.status == "approved" else pending)[rev.year] = rev
    series = []
    for year in sorted(set(approved) | set(pending)):
        rev = approved.get(year)
        intensity = None
        if rev is not None and rev.energy_10k_tce is not None and rev.gdp_100m_yuan:
            intensity = rev.energy_10k_tce / rev.gdp_100m_yuan  # 万tce per 亿元 = tce per 万元, current prices
        waiting = pending.get(year)
        series.append({
            "year": year, "energy_10k_tce": None if rev is None else rev.energy_10k_tce,
            "gdp_100m_yuan": None if rev is None else rev.gdp_100m_yuan, "gdp_index": None if rev is None else rev.gdp_index,
            "intensity_tce_per_10k_yuan": intensity,
            "pending_status": None if waiting is None or (rev is not None and waiting.id < rev.id) else waiting.status,
            "pending_energy_10k_tce": None if waiting is None else waiting.energy_10k_tce,
        })
    target = next((t for t in plan.intensity_targets if t.region == name), None)
    pollutants = next((t for t in plan.pollutant_targets if t.region == name), None)
    region_obj = plan.region(name)
    return {
        "region": name, "code": region_obj.code, "kind": region_obj.kind,
        "basic_target": None if target is None else target.basic,
        "incentive_target": None if target is None else target.incentive,
        "pollutant_targets": None if pollutants is None else pollutants.model_dump(exclude={"region"}),
        "series": series,
    }


def as_fraction_text(value: Decimal | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"
