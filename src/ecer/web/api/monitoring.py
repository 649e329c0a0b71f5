"""/api/v1/monitoring: sources with status and latest values, readings, alarms and their handling (issue 6 §2).

Every list is scoped by the principal (``ecer.services.monitoring_view``); acknowledging or closing
an alarm needs a reason, is audited, and (from the page) the session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from ecer.services import monitoring_view as view
from ecer.services.monitoring import parse_time
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond, respond_query

router = APIRouter(prefix="/api/v1/monitoring", tags=["在线监测"])
ListDep = Annotated[ListParams, Depends(list_params)]


class SourceOut(BaseModel):
    mn: str
    enterprise: str
    outlet: str
    kind: str
    region: str
    status: str = Field(description="online（在线）、offline（离线：超过 3 个小时数据间隔无数据）、never（无数据）")
    status_zh: str
    last_data_time: dt.datetime | None = Field(description="最近一条小时数据（2061）的数据时间，北京时间")
    latest_values: Number = Field(description="该小时各污染物的均值（因子编码 → 值）")
    open_alarms: int
    pollutants: Number = Field(description="监测因子：编码、限值及单位、年许可排放量 [t]")


class ReadingOut(BaseModel):
    mn: str
    cn: str
    data_time: dt.datetime
    code: str
    rtd: Number | None
    min: Number | None
    avg: Number | None
    max: Number | None
    cou: Number | None
    zs_rtd: Number | None
    zs_avg: Number | None
    flag: str | None


class AlarmOut(BaseModel):
    id: int
    mn: str
    kind: str
    kind_zh: str
    code: str | None
    level: str
    start: dt.datetime
    end: dt.datetime | None
    value: Number | None
    threshold: Number | None
    detail: str | None
    status: str
    status_zh: str | None
    reason: str | None
    handled_by: str | None
    handled_at: dt.datetime | None


class AlarmAction(BaseModel):
    reason: str = Field(min_length=1, description="确认或关闭的原因（必填）")


@router.get("/sources", response_model=Page[SourceOut], summary="监测点位：在线状态、最新数据、未处理报警")
def sources(session: SessionDep, principal: PrincipalDep, params: ListDep,
            region: Annotated[str | None, Query(description="地区")] = None) -> Any:
    return respond(view.source_rows(session, principal, region), SourceOut, params, "monitoring-sources")


@router.get("/readings", response_model=Page[ReadingOut], summary="一个点位的监测数据（北京时间）")
def readings(session: SessionDep, principal: PrincipalDep, params: ListDep,
             mn: Annotated[str | None, Query(description="设备唯一标识 MN；不填为全部可查看的点位")] = None,
             cn: Annotated[str | None, Query(description="命令编码：2011 实时、2051 分钟、2061 小时、2031 日")] = None,
             start: Annotated[str | None, Query(alias="from", description="起始时间（含），北京时间")] = None,
             end: Annotated[str | None, Query(alias="to", description="截止时间（不含），北京时间")] = None) -> Any:
    query = view.reading_query(session, principal, mn, cn, parse_time(start, "from"), parse_time(end, "to"))
    return respond_query(session, query, view.reading_row, ReadingOut, params, "monitoring-readings")


@router.get("/sources/{mn}/curves", summary="一个点位最近 7 天的小时曲线与限值")
def curves(mn: str, session: SessionDep, principal: PrincipalDep) -> Any:
    from ecer.cli.output import jsonable

    return jsonable(view.curves(session, principal, mn))


@router.get("/alarms", response_model=Page[AlarmOut], summary="报警（按权限）")
def alarms(session: SessionDep, principal: PrincipalDep, params: ListDep,
           status: Annotated[Literal["open", "acknowledged", "closed"] | None, Query(description="状态")] = None,
           mn: Annotated[str | None, Query(description="点位 MN")] = None,
           region: Annotated[str | None, Query(description="地区")] = None) -> Any:
    query = view.alarm_query(session, principal, status, mn, region)
    return respond_query(session, query, view.alarm_out, AlarmOut, params, "monitoring-alarms")


@router.post("/alarms/{alarm_id}/acknowledge", response_model=AlarmOut, summary="确认报警（须填原因，记入审计）")
def acknowledge(alarm_id: int, body: AlarmAction, session: SessionDep, principal: PrincipalDep) -> Any:
    return view.handle_alarm(session, principal, alarm_id, "acknowledge", body.reason)


@router.post("/alarms/{alarm_id}/close", response_model=AlarmOut, summary="关闭报警（须填原因，记入审计）")
def close(alarm_id: int, body: AlarmAction, session: SessionDep, principal: PrincipalDep) -> Any:
    return view.handle_alarm(session, principal, alarm_id, "close", body.reason)
