"""/api/v1/emissions (重点工程: projects and Annex 2 progress) and /api/v1/environment (air and water evaluation)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ecer.services import pollution_view as view
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond

router = APIRouter(prefix="/api/v1", tags=["重点工程与环境质量"])
ListDep = Annotated[ListParams, Depends(list_params)]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="年份，默认最近有数据的年份")]
Month = Annotated[int | None, Query(ge=1, le=12, description="月份；不填为全年（含各月）")]


class ProjectOut(BaseModel):
    id: int
    code: str
    name: str
    region: str
    owner: str
    project_type: str
    project_status: str
    start_date: dt.date | None
    commissioning_date: dt.date | None
    basis: str
    claimed_cod_t: Number | None
    claimed_nh3n_t: Number | None
    claimed_nox_t: Number | None
    claimed_vocs_t: Number | None
    verified_cod_t: Number | None
    verified_nh3n_t: Number | None
    verified_nox_t: Number | None
    verified_vocs_t: Number | None


class ProgressOut(BaseModel):
    region: str
    region_code: str | None
    pollutant: str
    year: int
    cumulative_reduction_t: Number | None
    target_t: Number | None
    required_progress: Number | None
    completion: Number | None
    level: str | None
    basis: str | None


class AirOut(BaseModel):
    scope: str
    name: str
    region: str | None
    year: int
    month: int | None
    days: int
    valid_days: int
    so2: Number | None
    no2: Number | None
    pm10: Number | None
    pm2_5: Number | None
    co_p95: Number | None
    o3_8h_p90: Number | None
    good_days: int | None
    good_day_share: Number | None
    heavy_pollution_days: int | None
    comprehensive_index: Number | None
    rank: int | None


class WaterOut(BaseModel):
    scope: str
    name: str | None
    region: str | None
    year: int
    month: int | None
    section: str | None = None
    water_body: str | None = None
    target_class: str | None = None
    samples: int | None = None
    water_class: str | None = None
    meets_target: bool | None = None
    limiting_parameters: Number = None
    sections: int | None = None
    evaluated: int | None = None
    good_share: Number | None = None
    worse_than_v_share: Number | None = None
    target_share: Number | None = None


@router.get("/emissions/projects", response_model=Page[ProjectOut], summary="重点减排工程：申报与核定减排量（按权限）")
def projects(session: SessionDep, principal: PrincipalDep, params: ListDep,
             region: Annotated[str | None, Query(description="地区")] = None,
             project_status: Annotated[str | None, Query(description="planned、under_construction、commissioned、cancelled")] = None,
             ) -> Any:
    return respond(view.project_rows(session, principal, region, project_status), ProjectOut, params,
                   "emission-projects")


@router.get("/emissions/progress", response_model=Page[ProgressOut], summary="附件2 主要污染物减排进度（按地区和污染物）")
def progress(session: SessionDep, principal: PrincipalDep, params: ListDep,
             year: Annotated[int | None, Query(ge=2000, le=2100, description="年份，默认今年（不晚于规划目标年）")] = None,
             ) -> Any:
    rows, _mismatches = view.progress_rows(session, principal, year or view.default_progress_year(session))
    return respond(rows, ProgressOut, params, "emission-progress")


@router.get("/environment/air", response_model=Page[AirOut], summary="环境空气质量评价（HJ 663-2013）")
def air(session: SessionDep, principal: PrincipalDep, params: ListDep, year: Year = None, month: Month = None) -> Any:
    return respond(view.air_rows(session, principal, year, month), AirOut, params, "environment-air")


@router.get("/environment/water", response_model=Page[WaterOut], summary="地表水环境质量评价（GB 3838-2002）")
def water(session: SessionDep, principal: PrincipalDep, params: ListDep, year: Year = None,
          month: Month = None) -> Any:
    return respond(view.water_rows(session, principal, year, month), WaterOut, params, "environment-water")
