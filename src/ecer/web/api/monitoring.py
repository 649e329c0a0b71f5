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
from ecer.web.columns import DATETIME, GENERAL, ID, INT, column
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond, respond_query
from ecer.web.pages.rendering import LEVEL_ZH

router = APIRouter(prefix="/api/v1/monitoring", tags=["在线监测"])
ListDep = Annotated[ListParams, Depends(list_params)]


class SourceOut(BaseModel):
    mn: str = column("设备唯一标识 MN")
    enterprise: str = column("企业")
    outlet: str = column("排放口")
    kind: str = column("类型", description="wastewater（废水）、flue_gas（废气）、air_station、water_section")
    region: str = column("地区")
    status: str = column("状态代码",
                         description="online（在线）、offline（离线：超过 3 个小时数据间隔无数据）、never（无数据）")
    status_zh: str = column("状态")
    last_data_time: dt.datetime | None = column("最近小时数据时间", fmt=DATETIME,
                                                description="最近一条小时数据（2061）的数据时间，北京时间")
    latest_values: Number = column("最新小时均值", description="该小时各污染物的均值（因子编码 → 值）")
    open_alarms: int = column("未处理报警", "条", INT)
    pollutants: Number = column("监测因子", description="监测因子：编码、限值及单位、年许可排放量 [t]")


class ReadingOut(BaseModel):
    """HJ 212-2017 data fields (Rtd, Min, Avg, Max, Cou, ZsRtd, ZsAvg, Flag); units are the pollutant code's."""

    mn: str = column("设备唯一标识 MN")
    cn: str = column("命令编码", description="2011 实时、2051 分钟、2061 小时、2031 日")
    data_time: dt.datetime = column("数据时间", fmt=DATETIME, description="北京时间")
    code: str = column("污染物因子编码")
    rtd: Number | None = column("实时值", fmt=GENERAL)
    min: Number | None = column("最小值", fmt=GENERAL)
    avg: Number | None = column("平均值", fmt=GENERAL)
    max: Number | None = column("最大值", fmt=GENERAL)
    cou: Number | None = column("累计值", fmt=GENERAL)
    zs_rtd: Number | None = column("折算实时值", fmt=GENERAL)
    zs_avg: Number | None = column("折算平均值", fmt=GENERAL)
    flag: str | None = column("数据标记", description="HJ 212-2017 表 8：N 正常、F 停运、M 维护、S 手工输入、D 故障、C 校准、T 超限、B 通讯异常")


class AlarmOut(BaseModel):
    id: int = column("报警编号", fmt=ID)
    mn: str = column("设备唯一标识 MN")
    kind: str = column("报警类型代码")
    kind_zh: str = column("报警类型")
    code: str | None = column("污染物因子编码")
    level: str = column("级别", description="yellow（黄色）、red（红色）", labels=LEVEL_ZH)
    start: dt.datetime = column("开始时间", fmt=DATETIME, description="北京时间")
    end: dt.datetime | None = column("结束时间", fmt=DATETIME, description="北京时间")
    value: Number | None = column("实测值", fmt=GENERAL, description="单位随报警类型：浓度或无数据小时数")
    threshold: Number | None = column("阈值", fmt=GENERAL)
    detail: str | None = column("说明")
    status: str = column("处理状态代码", description="open、acknowledged、closed")
    status_zh: str | None = column("处理状态")
    reason: str | None = column("处理原因")
    handled_by: str | None = column("处理人")
    handled_at: dt.datetime | None = column("处理时间", fmt=DATETIME)


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
