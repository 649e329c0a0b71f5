"""/api/v1/plan, regions (with their targets and series) and indicators (with values and progress)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from ecer.domain.energy.periods import Period
from ecer.services.dashboard import (
    current_plan,
    indicator_rows,
    latest_year,
    progress_rows,
    region_series,
    require_region,
)
from ecer.storage.models import IndicatorValue
from ecer.web.api.schemas import IndicatorOut, IndicatorValueOut, PlanOut, RegionDetail, RegionOut
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Page, list_params, respond, respond_query

router = APIRouter(prefix="/api/v1", tags=["规划与指标"])
ListDep = Annotated[ListParams, Depends(list_params)]


@router.get("/plan", response_model=PlanOut, summary="当前规划")
def plan(session: SessionDep, _principal: PrincipalDep) -> Any:
    p = current_plan(session)
    meta = p.metadata
    return {"id": p.id, "title": meta.title, "issuer": meta.issuer, "status": meta.status,
            "base_year": meta.base_year, "target_year": meta.target_year, "policy_rule_set": meta.policy_rule_set,
            "barometer_rule": meta.barometer_rule, "progress_path": meta.progress_path}


@router.get("/regions", response_model=Page[RegionOut], summary="规划中的地区及其目标（按权限）")
def regions(session: SessionDep, principal: PrincipalDep, params: ListDep,
            kind: Annotated[str | None, Query(description="city、county、county_city、district、zone")] = None) -> Any:
    p = current_plan(session)
    intensity = {t.region: t for t in p.intensity_targets}
    pollutants = {t.region: t for t in p.pollutant_targets}
    rows = []
    for r in p.regions:
        if not principal.can_read_region(r.name, p.city.name) or (kind and r.kind != kind):
            continue
        it, pt = intensity.get(r.name), pollutants.get(r.name)
        rows.append({"name": r.name, "code": r.code, "kind": r.kind, "parent": r.parent,
                     "basic_target": it and it.basic, "incentive_target": it and it.incentive,
                     "cod_t": pt and pt.cod_t, "nh3n_t": pt and pt.nh3n_t, "nox_t": pt and pt.nox_t,
                     "vocs_t": pt and pt.vocs_t})
    return respond(rows, RegionOut, params, "regions", title="地区及其目标")


@router.get("/regions/{region}", response_model=RegionDetail, summary="一个地区：目标、逐年能耗与强度、晴雨表")
def region(region: str, session: SessionDep, principal: PrincipalDep,
           year: Annotated[int | None, Query(description="晴雨表年份，默认最近有数据的年份")] = None) -> Any:
    detail = region_series(session, principal, region)
    chosen = year or latest_year(session, current_plan(session))
    detail["progress"] = progress_rows(session, principal, chosen, Period.YEAR, detail["region"])
    return detail


@router.get("/indicators", response_model=Page[IndicatorOut], summary="规划指标：基数、目标、最新值、进度与状态")
def indicators(session: SessionDep, _principal: PrincipalDep, params: ListDep,
               year: Annotated[int | None, Query(description="取该年及以前的最新值")] = None) -> Any:
    if year is None:
        return respond(indicator_rows(session), IndicatorOut, params, "indicators")
    from ecer.services.indicators import indicator_table

    return respond(indicator_table(session, year), IndicatorOut, params, "indicators")


@router.get("/indicators/{indicator_id}/values", response_model=Page[IndicatorValueOut], summary="一个指标的报送值（按权限）")
def indicator_values(indicator_id: str, session: SessionDep, principal: PrincipalDep, params: ListDep,
                     region: Annotated[str | None, Query(description="地区")] = None,
                     status: Annotated[str | None, Query(description="approved、submitted …")] = None) -> Any:
    p = current_plan(session)
    indicator = p.indicator(indicator_id)
    allowed = principal.readable([r.name for r in p.regions], p.city.name)
    query = select(IndicatorValue).where(IndicatorValue.plan_id == p.id, IndicatorValue.indicator_id == indicator_id,
                                         IndicatorValue.region.in_(allowed))
    if region:
        query = query.where(IndicatorValue.region == require_region(principal, p, region))
    if status:
        query = query.where(IndicatorValue.status == status)
    fields = list(IndicatorValueOut.model_fields)
    return respond_query(session, query.order_by(IndicatorValue.year, IndicatorValue.id),
                         lambda v: {f: getattr(v, f) for f in fields}, IndicatorValueOut, params,
                         f"indicator-{indicator_id}", title=f"指标报送值：{indicator.name_zh}",
                         total_of=(IndicatorValue,))
