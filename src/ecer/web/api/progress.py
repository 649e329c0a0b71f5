"""/api/v1/progress: the dual-control barometer, and what is still missing for a period."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ecer.domain.energy.periods import parse_period
from ecer.services.dashboard import current_plan, latest_year, missing_rows, progress_rows
from ecer.web.api.schemas import MissingOut, ProgressOut
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Page, list_params, respond

router = APIRouter(prefix="/api/v1", tags=["能耗双控"])
ListDep = Annotated[ListParams, Depends(list_params)]
YearQuery = Annotated[int | None, Query(description="年份，默认最近有全年数据的年份")]
PeriodQuery = Annotated[str, Query(description="全年、一季度、上半年、前三季度")]


@router.get("/progress", response_model=Page[ProgressOut], summary="能耗双控晴雨表（键同 ecer progress --json）")
def progress(session: SessionDep, principal: PrincipalDep, params: ListDep, year: YearQuery = None,
             period: PeriodQuery = "全年",
             region: Annotated[str | None, Query(description="地区")] = None,
             level: Annotated[str | None, Query(description="red、yellow、green")] = None) -> Any:
    chosen = year or latest_year(session, current_plan(session))
    rows = progress_rows(session, principal, chosen, parse_period(period), region)
    if level:
        rows = [r for r in rows if r["level"] == level]
    return respond(rows, ProgressOut, params, f"progress-{chosen}", title=f"{chosen}年{parse_period(period)}能耗双控晴雨表")


@router.get("/progress/missing", response_model=Page[MissingOut], summary="本期尚缺或待审核的数据")
def missing(session: SessionDep, principal: PrincipalDep, params: ListDep, year: YearQuery = None,
            period: PeriodQuery = "全年") -> Any:
    chosen = year or latest_year(session, current_plan(session))
    return respond(missing_rows(session, principal, chosen, parse_period(period)), MissingOut, params,
                   f"missing-{chosen}", title=f"{chosen}年{parse_period(period)}尚缺或待审核的数据")
