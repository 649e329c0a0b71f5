"""/api/v1/units, /api/v1/twohigh and /api/v1/budgets: key units, two-high projects, energy budgets.

Every list is scoped by ``ecer.services.key_unit_views`` (district: its region; enterprise: its unit).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ecer.services import key_unit_views as views
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond

router = APIRouter(prefix="/api/v1", tags=["重点用能单位与“两高”项目"])
ListDep = Annotated[ListParams, Depends(list_params)]
YearQuery = Annotated[int | None, Query(description="年份，默认最近有已审核月报的年份")]
RegionQuery = Annotated[str | None, Query(description="地区（规划附件中的名称）")]


class UnitOut(BaseModel):
    id: int
    credit_code: str
    name: str
    region: str
    industry_code: str
    industry_name: str
    year: int | None
    months_reported: int
    category: str | None
    category_zh: str | None
    energy_calorific_tce: Number | None
    energy_primary_tce: Number | None
    efficiency_class: str | None
    efficiency_class_zh: str | None
    budget_tce: Number | None
    forecast_tce: Number | None
    budget_level: str | None
    budget_level_zh: str | None


class MonthOut(BaseModel):
    year: int
    month: int
    energy_calorific_tce: Number
    energy_primary_tce: Number


class UnitDetail(BaseModel):
    """``ecer units show --json`` plus the id and the monthly series; products and budget as printed there."""

    id: int
    credit_code: str
    name: str
    region: str
    industry_code: str
    industry_name: str
    year: int | None
    months_reported: int = 0
    category: str | None = None
    category_zh: str | None = None
    energy_calorific_tce: Number | None = None
    energy_primary_tce: Number | None = None
    coal_t: Number | None = None
    value_added_10k_yuan: Number | None = None
    energy_per_value_added_tce_per_10k_yuan: Number | None = None
    energy_change: Number | None = None
    energy_saved_product_tce: Number | None = None
    products: list[dict[str, Number]]
    budget: dict[str, Number] | None
    monthly: list[MonthOut]


class TwoHighOut(BaseModel):
    id: int
    name: str
    credit_code: str | None
    unit_name: str | None
    industry_code: str
    industry_name: str
    region: str
    status: str
    product: str | None
    capacity: Number | None
    capacity_unit: str | None
    unit_consumption: Number | None
    value_unit: str | None
    efficiency_class: str | None
    energy_calorific_tce: Number
    energy_primary_tce: Number
    over_10k_tce: bool
    over_50k_tce: bool
    coal_t: Number | None
    coal_replacement: str
    review_number: str | None
    review_date: dt.date | None
    handling_class: str
    handling_class_zh: str
    year: int
    region_room_tce: Number | None
    share_of_room: Number | None
    exceeds_room: bool | None
    intensity_effect: Number | None


class LogOut(BaseModel):
    date: dt.date
    note: str
    actor: str


class TwoHighDetail(TwoHighOut):
    unit_id: int | None
    actions: str | None
    log: list[LogOut]


class BudgetOut(BaseModel):
    year: int
    scope: str
    region: str
    unit_id: int | None = None
    credit_code: str | None = None
    name: str | None = None
    project: str | None = None
    budget_tce: Number | None = None
    to_date_tce: Number | None = None
    forecast_tce: Number | None = None
    forecast_method: str | None = None
    remaining_tce: Number | None = None
    room_tce: Number | None = None
    level: str | None = None
    level_zh: str | None = None


@router.get("/units", response_model=Page[UnitOut], summary="重点用能单位：年度能耗、能效对标分类、用能预算状态")
def units(session: SessionDep, principal: PrincipalDep, params: ListDep, year: YearQuery = None,
          region: RegionQuery = None,
          industry: Annotated[str | None, Query(description="行业代码前缀（GB/T 4754，如 C30）或行业名称")] = None,
          category: Annotated[str | None, Query(description="national、designated 或 other")] = None) -> Any:
    rows = views.unit_rows(session, principal, year=year, region=region, industry=industry, category=category)
    return respond(rows, UnitOut, params, "units")


@router.get("/units/{unit_id}", response_model=UnitDetail, summary="一个重点用能单位：年度情况与逐月能耗")
def unit(unit_id: int, session: SessionDep, principal: PrincipalDep, year: YearQuery = None) -> Any:
    return views.unit_detail(session, principal, unit_id, year)


@router.get("/twohigh", response_model=Page[TwoHighOut], summary="“两高”项目清单")
def twohigh(session: SessionDep, principal: PrincipalDep, params: ListDep, year: YearQuery = None,
            region: RegionQuery = None,
            status: Annotated[Literal["存量", "在建", "拟建"] | None, Query(description="存量、在建或拟建")] = None,
            flag: Annotated[Literal["over_10k_tce", "over_50k_tce"] | None,
                            Query(description="over_10k_tce（≥1万吨标准煤）或 over_50k_tce（≥5万吨标准煤）")] = None,
            ) -> Any:
    rows = views.twohigh_rows(session, principal, year=year, region=region, status=status, flag=flag)
    return respond(rows, TwoHighOut, params, "twohigh")


@router.get("/twohigh/{project_id}", response_model=TwoHighDetail, summary="一个“两高”项目及其监管记录")
def twohigh_project(project_id: int, session: SessionDep, principal: PrincipalDep, year: YearQuery = None) -> Any:
    return views.twohigh_detail(session, principal, project_id, year)


@router.get("/budgets", response_model=Page[BudgetOut], summary="用能预算：地区、单位与新上项目的预算及状态")
def budgets(session: SessionDep, principal: PrincipalDep, params: ListDep, year: YearQuery = None,
            region: RegionQuery = None,
            scope: Annotated[Literal["region", "unit", "project"] | None, Query(description="region、unit 或 project")]
            = None) -> Any:
    rows = views.budget_rows(session, principal, year=year, region=region, scope=scope)
    return respond(rows, BudgetOut, params, "budgets")
