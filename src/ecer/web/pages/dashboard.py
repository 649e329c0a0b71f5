"""总览 (home), 地区 and 指标 pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ecer.domain.energy.periods import Period, parse_period
from ecer.domain.errors import EcerError
from ecer.services import monitoring_view, pollution_view
from ecer.services.dashboard import (
    HOME_DATA,
    current_plan,
    indicator_rows,
    latest_year,
    missing_rows,
    progress_rows,
    region_series,
)
from ecer.services.energy import has_demo_data
from ecer.storage.monitoring import Alarm, MonitoredSource
from ecer.web.access import Principal
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.pages.pollution import POLLUTANT_ZH
from ecer.web.pages.rendering import render, render_cached

router = APIRouter(include_in_schema=False)
KINDS = {"city": "市", "county": "县", "county_city": "县级市", "district": "区", "zone": "开发区", "city_level": "市本级",
         "reduction_vs_base": "较基期降低", "level_to_reach": "达到水平", "ceiling": "上限", "cumulative_amount": "累计量"}


def _zones(plan: Any) -> list[dict[str, Any]]:
    from ecer.data import load_table

    markers = {row["name"]: row for row in load_table("jilin-zone-markers").rows}
    return [{"name": r.name, "lon": markers[r.name]["lon"], "lat": markers[r.name]["lat"]}
            for r in plan.regions if r.kind == "zone" and r.name in markers]


# Every table the home page reads: its rendering is kept until one of them changes.
HOME_MODELS = (*HOME_DATA, Alarm, MonitoredSource)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, principal: PrincipalDep, year: int | None = None,
         period: str = "全年") -> HTMLResponse:
    chosen = parse_period(period)
    today = dt.date.today()  # the pollutant progress year follows the calendar
    return render_cached(request, session, principal, "home.html", HOME_MODELS, (year, chosen, today),
                         lambda: _home(session, principal, year, chosen, today))


def _home(session: Session, principal: Principal, year: int | None, chosen: Period, today: dt.date,
          ) -> dict[str, Any]:
    plan = current_plan(session)
    year = year or latest_year(session, plan)
    rows = progress_rows(session, principal, year, chosen)
    return dict(
        plan_title=plan.metadata.title, year=year, period=chosen.value,
        years=list(range(plan.metadata.base_year + 1, plan.metadata.target_year + 1)),
        periods=[p.value for p in (Period.YEAR, *[p for p in Period if p is not Period.YEAR])],
        rows=rows, indicators=indicator_rows(session), missing=missing_rows(session, principal, year, chosen),
        barometer_rule=plan.metadata.barometer_rule, synthetic=has_demo_data(session),
        chart={"rows": rows, "zones": _zones(plan)}, pollutant_zh=POLLUTANT_ZH,
        pollution=_pollution(session, principal, plan, min(plan.metadata.target_year, today.year)),
        alarms=monitoring_view.open_alarm_summary(session, principal),
    )


def _pollution(session: Session, principal: Principal, plan: Any, year: int) -> dict[str, Any] | None:
    """Annex 2 progress of the principal's own level: the city's rows, or the district's (enterprises: none)."""
    if principal.role == "enterprise":
        return None
    try:
        rows, _ = pollution_view.progress_rows(session, principal, year)
    except EcerError as exc:
        if exc.code not in ("ACCESS_DENIED", "PLAN_NOT_LOADED"):
            raise
        return None
    own = principal.region if principal.role == "district" and principal.region else plan.city.name
    return {"year": year, "region": own, "rows": [r for r in rows if r["region"] == own]}


@router.get("/regions", response_class=HTMLResponse)
def regions(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    plan = current_plan(session)
    year = latest_year(session, plan)
    levels = {r["region"]: r["level"] for r in progress_rows(session, principal, year, Period.YEAR)}
    targets = {t.region: t for t in plan.intensity_targets}
    shown = [{"name": r.name, "code": r.code, "kind": r.kind,
              "basic": targets[r.name].basic if r.name in targets else None,
              "incentive": targets[r.name].incentive if r.name in targets else None}
             for r in plan.annex1_regions() if principal.can_read_region(r.name, plan.city.name)]
    return render(request, "regions.html", principal, regions=shown, levels=levels, year=year, kinds=KINDS)


@router.get("/regions/{name}", response_class=HTMLResponse)
def region(name: str, request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    detail = region_series(session, principal, name)
    year = latest_year(session, current_plan(session))
    detail["progress"] = progress_rows(session, principal, year, Period.YEAR, detail["region"])
    return render(request, "region.html", principal, d=detail, kinds=KINDS)


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    plan = current_plan(session)
    return render(request, "indicators.html", principal, plan_title=plan.metadata.title,
                  indicators=indicator_rows(session), kinds=KINDS)
