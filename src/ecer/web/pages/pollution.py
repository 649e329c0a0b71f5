"""Pages 在线监测 (/monitoring), 重点工程 (/projects) and 环境质量 (/environment); data through the scoped services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ecer.cli.output import jsonable
from ecer.domain.errors import EcerError
from ecer.services import monitoring_view, pollution_view
from ecer.services.dashboard import current_plan
from ecer.storage.monitoring import Alarm, MonitoredSource, Reading, SourcePollutant
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.pages.rendering import render, render_cached

router = APIRouter(include_in_schema=False)
ALARM_ROWS = 200
MONITORING_DATA = (MonitoredSource, SourcePollutant, Reading, Alarm)  # what /monitoring reads
POLLUTANT_ZH = {"COD": "化学需氧量", "NH3N": "氨氮", "NOx": "氮氧化物", "VOCs": "挥发性有机物"}


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring(request: Request, session: SessionDep, principal: PrincipalDep,
               mn: Annotated[str | None, Query()] = None) -> HTMLResponse:
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)  # online/offline follows the clock

    def context() -> dict[str, Any]:
        sources = monitoring_view.source_rows(session, principal, now=now)
        chosen = mn or (sources[0]["mn"] if sources else None)
        curves = monitoring_view.curves(session, principal, chosen) if chosen else None
        alarms = [monitoring_view.alarm_out(a) for a in
                  session.scalars(monitoring_view.alarm_query(session, principal).limit(ALARM_ROWS))]
        return dict(sources=sources, chosen=chosen, curves=curves, alarms=alarms,
                    can_handle=principal.role != "readonly")

    # hundreds of sources and alarms: rendered once per data version, user and minute
    return render_cached(request, session, principal, "monitoring.html", MONITORING_DATA, (mn, now), context)


@router.post("/monitoring/alarms/{alarm_id}")
def handle(alarm_id: int, session: SessionDep, principal: PrincipalDep, action: Annotated[str, Form()],
           reason: Annotated[str | None, Form()] = None) -> Response:
    monitoring_view.handle_alarm(session, principal, alarm_id, action, reason)
    return RedirectResponse("/monitoring#alarms", status_code=303)


@router.get("/projects", response_class=HTMLResponse)
def projects(request: Request, session: SessionDep, principal: PrincipalDep,
             year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> HTMLResponse:
    plan = current_plan(session)
    chosen = year or pollution_view.default_progress_year(session)
    rows = pollution_view.project_rows(session, principal)
    progress, mismatches = ([], []) if principal.role == "enterprise" else pollution_view.progress_rows(
        session, principal, chosen)
    years = list(range(plan.metadata.base_year + 1, plan.metadata.target_year + 1))
    return render(request, "projects.html", principal, projects=rows, progress=progress, mismatches=mismatches,
                  year=chosen, years=years, pollutant_zh=POLLUTANT_ZH, chart={"rows": jsonable(progress)})


@router.get("/environment", response_class=HTMLResponse)
def environment(request: Request, session: SessionDep, principal: PrincipalDep,
                year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> HTMLResponse:
    try:
        data = pollution_view.page_data(session, principal, year)
    except EcerError as exc:
        if exc.code != "ENV_NO_STATIONS":
            raise
        data = None
    return render(request, "environment.html", principal, data=data, years=pollution_view.env_years(session))
