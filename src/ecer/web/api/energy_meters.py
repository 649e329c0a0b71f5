"""Ingestion API for enterprise gateways (重点用能单位能耗在线监测), under /api/v1/energy.

Modelled on the national key-unit online monitoring platform's three upload operations:
单位信息上传 (``POST /units/info``), 计量器具信息上传 (``POST /meters``), 采集数据上传
(``POST /data``). Every request carries a bearer token scoped to one unit and names that unit's
credit code; batches are JSON; units are explicit on every meter and reading; readings are
idempotent per (unit, meter, timestamp): a repeat is counted, a different value is a conflict.
With a log configured (``ECER_LOG_URL``) readings go to JetStream instead (``services.meter_log``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ecer.services import meter_data, meter_log
from ecer.storage.key_units import KeyUnit
from ecer.web.deps import SessionDep
from ecer.web.tokens import TokenDep, check_scope

PUBLIC = True  # authenticated by its own gateway tokens, not by the web login
router = APIRouter(prefix="/api/v1/energy", tags=["重点用能单位在线监测"])
MAX_BATCH = 10000


class UnitInfo(BaseModel):
    credit_code: str = Field(description="统一社会信用代码（须为令牌所属单位）")
    energy_manager: str | None = Field(None, description="能源管理负责人")
    manager_phone: str | None = Field(None, description="联系电话")


class MeterInfo(BaseModel):
    code: str = Field(description="计量器具编号（单位内唯一）")
    name: str | None = None
    carrier: str = Field(description="能源品种（GB/T 2589-2020 附录A 名称或代码，如 电力、原煤、天然气）")
    unit: str = Field(description="计量单位，如 kWh、吨、立方米")


class MeterBatch(BaseModel):
    credit_code: str
    meters: list[MeterInfo] = Field(max_length=MAX_BATCH)


class ReadingIn(BaseModel):
    meter: str = Field(description="计量器具编号")
    at: dt.datetime = Field(description="数据时间（北京时间）：日数据为当日 00:00，月数据为当月1日 00:00")
    period: str = Field(description="day（日）或 month（月）")
    value: Decimal = Field(description="该期间的用量")
    unit: str = Field(description="value 的计量单位")


class ReadingBatch(BaseModel):
    credit_code: str
    readings: list[ReadingIn] = Field(max_length=MAX_BATCH)


@router.post("/units/info", summary="单位信息上传")
def upload_unit_info(body: UnitInfo, scope: TokenDep, session: SessionDep) -> dict[str, Any]:
    check_scope(scope, body.credit_code)
    unit = session.get(KeyUnit, scope.unit_id)
    assert unit is not None
    changed = False
    for field in ("energy_manager", "manager_phone"):
        value = getattr(body, field)
        if value is not None and getattr(unit, field) != value:
            setattr(unit, field, value)
            changed = True
    return {"credit_code": unit.credit_code, "name": unit.name, "changed": changed}


@router.post("/meters", summary="计量器具信息上传")
def upload_meters(body: MeterBatch, scope: TokenDep, session: SessionDep) -> dict[str, Any]:
    check_scope(scope, body.credit_code)
    unit = session.get(KeyUnit, scope.unit_id)
    assert unit is not None
    return meter_data.upload_meters(session, unit, [m.model_dump() for m in body.meters])


@router.post("/data", summary="采集数据上传")
def upload_data(body: ReadingBatch, scope: TokenDep, session: SessionDep, request: Request) -> dict[str, Any]:
    check_scope(scope, body.credit_code)
    unit = session.get(KeyUnit, scope.unit_id)
    assert unit is not None
    items = [r.model_dump() for r in body.readings]
    log = meter_log.journal(getattr(request.app.state, "log_url", None))
    if log is None:  # single node: into the database
        result = meter_data.upload_readings(session, unit, items, scope.token_id)
    else:  # scale tier: answered once JetStream stored every reading
        result = meter_log.publish_readings(log, session, unit, items)
    result["conflicts"] = [{**c, "at": c["at"].isoformat(), "value": str(c["value"]),
                            "stored_value": str(c["stored_value"])} for c in result["conflicts"]]
    return result


@router.get("/quality", summary="数据质量检查（完整率、日月偏差、时间偏差）")
def data_quality(year: int, month: int, scope: TokenDep, session: SessionDep) -> list[dict[str, Any]]:
    unit = session.get(KeyUnit, scope.unit_id)
    assert unit is not None
    rows = meter_data.month_quality(session, unit, year, month)
    return [{k: (float(v) if isinstance(v, Decimal) else v) for k, v in row.items()} for row in rows]
