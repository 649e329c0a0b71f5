"""/api/v1/emissions (重点工程: projects and Annex 2 progress) and /api/v1/environment (air and water evaluation)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ecer.importers.emission_projects import STATUS_ZH as PROJECT_STATUS_ZH
from ecer.services import pollution_view as view
from ecer.web.auth import PrincipalDep
from ecer.web.columns import DATE, DEC1, DEC2, DEC3, ID, INT, PCT1, YEAR, column
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond
from ecer.web.pages.rendering import LEVEL_ZH

router = APIRouter(prefix="/api/v1", tags=["重点工程与环境质量"])
ListDep = Annotated[ListParams, Depends(list_params)]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="年份，默认最近有数据的年份")]
Month = Annotated[int | None, Query(ge=1, le=12, description="月份；不填为全年（含各月）")]


class ProjectOut(BaseModel):
    id: int = column("修订编号", fmt=ID)
    code: str = column("工程编号")
    name: str = column("工程名称")
    region: str = column("地区")
    owner: str = column("责任单位")
    project_type: str = column("工程类型")
    project_status: str = column("工程状态", description="planned、under_construction、commissioned、cancelled",
                                 labels=PROJECT_STATUS_ZH)
    start_date: dt.date | None = column("开工日期", fmt=DATE)
    commissioning_date: dt.date | None = column("投运日期", fmt=DATE)
    basis: str = column("减排量依据", description="claimed（申报）或 verified（核查）")
    claimed_cod_t: Number | None = column("申报化学需氧量减排量", "吨", DEC3)
    claimed_nh3n_t: Number | None = column("申报氨氮减排量", "吨", DEC3)
    claimed_nox_t: Number | None = column("申报氮氧化物减排量", "吨", DEC3)
    claimed_vocs_t: Number | None = column("申报挥发性有机物减排量", "吨", DEC3)
    verified_cod_t: Number | None = column("核查化学需氧量减排量", "吨", DEC3)
    verified_nh3n_t: Number | None = column("核查氨氮减排量", "吨", DEC3)
    verified_nox_t: Number | None = column("核查氮氧化物减排量", "吨", DEC3)
    verified_vocs_t: Number | None = column("核查挥发性有机物减排量", "吨", DEC3)


class ProgressOut(BaseModel):
    """Keys of ``ecer emissions progress --json``; fractions shown as percentages in the XLSX export."""

    region: str = column("地区")
    region_code: str | None = column("行政区划代码")
    pollutant: str = column("污染物", description="COD、NH3N、NOx、VOCs")
    year: int = column("年份", fmt=YEAR)
    cumulative_reduction_t: Number | None = column("重点工程累计减排量", "吨", DEC2)
    target_t: Number | None = column("“十四五”减排量目标", "吨", INT)
    required_progress: Number | None = column("应完成进度", fmt=PCT1)
    completion: Number | None = column("完成率", fmt=PCT1)
    level: str | None = column("预警等级", description="red、yellow、green", labels=LEVEL_ZH)
    basis: str | None = column("减排量依据", description="claimed（申报）、verified（核查）或 mixed（混合）")


class AirOut(BaseModel):
    """HJ 663-2013 statistics: mean concentrations, CO and O3 by their percentiles, 综合指数."""

    scope: str = column("范围", description="city（全市）、region（地区）、station（站点）")
    name: str = column("名称")
    region: str | None = column("地区")
    year: int = column("年份", fmt=YEAR)
    month: int | None = column("月份", fmt=YEAR, description="空为全年")
    days: int = column("日历天数", "天", INT)
    valid_days: int = column("有效监测天数", "天", INT)
    so2: Number | None = column("二氧化硫（SO₂）平均浓度", "μg/m³", INT)
    no2: Number | None = column("二氧化氮（NO₂）平均浓度", "μg/m³", INT)
    pm10: Number | None = column("可吸入颗粒物（PM10）平均浓度", "μg/m³", INT)
    pm2_5: Number | None = column("细颗粒物（PM2.5）平均浓度", "μg/m³", INT)
    co_p95: Number | None = column("一氧化碳（CO）日均值第95百分位数", "mg/m³", DEC1)
    o3_8h_p90: Number | None = column("臭氧（O₃）日最大8小时平均第90百分位数", "μg/m³", INT)
    good_days: int | None = column("优良天数", "天", INT)
    good_day_share: Number | None = column("优良天数比例", fmt=PCT1)
    heavy_pollution_days: int | None = column("重度及以上污染天数", "天", INT, description="AQI 大于 200 的天数")
    comprehensive_index: Number | None = column("环境空气质量综合指数", fmt=DEC2)
    rank: int | None = column("排名", fmt=INT, description="地区按综合指数由小到大排名（越小越好）")


class WaterOut(BaseModel):
    """GB 3838-2002 classes of sections; for city and region rows the shares of the evaluated sections."""

    scope: str = column("范围", description="city（全市）、region（地区）、section（断面）")
    name: str | None = column("名称")
    region: str | None = column("地区")
    year: int = column("年份", fmt=YEAR)
    month: int | None = column("月份", fmt=YEAR, description="空为全年")
    section: str | None = column("断面", default=None)
    water_body: str | None = column("水体", default=None)
    target_class: str | None = column("目标水质类别", default=None)
    samples: int | None = column("监测次数", "次", INT, default=None)
    water_class: str | None = column("水质类别", default=None)
    meets_target: bool | None = column("达到目标", default=None)
    limiting_parameters: Number = column("定类项目", default=None, description="决定水质类别的项目")
    sections: int | None = column("断面数", "个", INT, default=None)
    evaluated: int | None = column("参与评价断面数", "个", INT, default=None)
    good_share: Number | None = column("优良（Ⅰ～Ⅲ类）断面比例", fmt=PCT1, default=None)
    worse_than_v_share: Number | None = column("劣Ⅴ类断面比例", fmt=PCT1, default=None)
    target_share: Number | None = column("达到目标断面比例", fmt=PCT1, default=None)


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
