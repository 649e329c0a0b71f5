"""/api/v1/units, /api/v1/twohigh and /api/v1/budgets: key units, two-high projects, energy budgets.

Every list is scoped by ``ecer.services.key_unit_views`` (district: its region; enterprise: its unit).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ecer.domain.energy.benchmarks import EfficiencyClass
from ecer.services import key_unit_views as views
from ecer.web.auth import PrincipalDep
from ecer.web.columns import DATE, DEC2, DEC4, GENERAL, ID, INT, PCT1, PCT2, YEAR, column
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond

router = APIRouter(prefix="/api/v1", tags=["重点用能单位与“两高”项目"])
ListDep = Annotated[ListParams, Depends(list_params)]
YearQuery = Annotated[int | None, Query(description="年份，默认最近有已审核月报的年份")]
RegionQuery = Annotated[str | None, Query(description="地区（规划附件中的名称）")]


class UnitOut(BaseModel):
    id: int = column("单位编号", fmt=ID)
    credit_code: str = column("统一社会信用代码")
    name: str = column("单位名称")
    region: str = column("地区")
    industry_code: str = column("行业代码", description="GB/T 4754-2017")
    industry_name: str = column("行业名称")
    year: int | None = column("年份", fmt=YEAR)
    months_reported: int = column("已审核月报数", "个", INT)
    category: str | None = column("类别代码", description="national、designated、other")
    category_zh: str | None = column("类别")
    energy_calorific_tce: Number | None = column("综合能源消费量（当量值）", "吨标准煤", DEC2)
    energy_primary_tce: Number | None = column("综合能源消费量（等价值）", "吨标准煤", DEC2)
    efficiency_class: str | None = column("能效对标分类代码", description="benchmark、between、below_baseline")
    efficiency_class_zh: str | None = column("能效对标分类")
    budget_tce: Number | None = column("用能预算", "吨标准煤", DEC2)
    forecast_tce: Number | None = column("年末预测能耗", "吨标准煤", DEC2)
    budget_level: str | None = column("预算状态代码")
    budget_level_zh: str | None = column("预算状态")


class MonthOut(BaseModel):
    year: int = column("年份", fmt=YEAR)
    month: int = column("月份", fmt=YEAR)
    energy_calorific_tce: Number = column("综合能源消费量（当量值）", "吨标准煤", DEC2)
    energy_primary_tce: Number = column("综合能源消费量（等价值）", "吨标准煤", DEC2)


class UnitDetail(BaseModel):
    """``ecer units show --json`` plus the id and the monthly series; products and budget as printed there."""

    id: int = column("单位编号", fmt=ID)
    credit_code: str = column("统一社会信用代码")
    name: str = column("单位名称")
    region: str = column("地区")
    industry_code: str = column("行业代码", description="GB/T 4754-2017")
    industry_name: str = column("行业名称")
    year: int | None = column("年份", fmt=YEAR)
    months_reported: int = column("已审核月报数", "个", INT, default=0)
    category: str | None = column("类别代码", default=None)
    category_zh: str | None = column("类别", default=None)
    energy_calorific_tce: Number | None = column("综合能源消费量（当量值）", "吨标准煤", DEC2, default=None)
    energy_primary_tce: Number | None = column("综合能源消费量（等价值）", "吨标准煤", DEC2, default=None)
    coal_t: Number | None = column("煤炭消费量", "吨", DEC2, default=None)
    value_added_10k_yuan: Number | None = column("增加值", "万元", DEC2, default=None)
    energy_per_value_added_tce_per_10k_yuan: Number | None = column("单位增加值能耗", "吨标准煤/万元", DEC4,
                                                                    default=None)
    energy_change: Number | None = column("综合能源消费量同比变化", fmt=PCT2, default=None)
    energy_saved_product_tce: Number | None = column("产品单耗节能量", "吨标准煤", DEC2, default=None)
    products: list[dict[str, Number]] = column("产品及能效对标")
    budget: dict[str, Number] | None = column("用能预算状态")
    monthly: list[MonthOut] = column("逐月能耗")


class TwoHighOut(BaseModel):
    id: int = column("项目编号", fmt=ID)
    name: str = column("项目名称")
    credit_code: str | None = column("统一社会信用代码")
    unit_name: str | None = column("建设单位")
    industry_code: str = column("行业代码", description="GB/T 4754-2017")
    industry_name: str = column("行业名称")
    region: str = column("地区")
    status: str = column("项目状态", description="存量、在建、拟建")
    product: str | None = column("主要产品")
    capacity: Number | None = column("产能", fmt=GENERAL, description="单位见“产能单位”列")
    capacity_unit: str | None = column("产能单位")
    unit_consumption: Number | None = column("单位产品能耗", fmt=GENERAL, description="单位见“能耗单位”列")
    value_unit: str | None = column("能耗单位")
    efficiency_class: str | None = column("能效对标分类", description="benchmark、between、below_baseline",
                                          labels={c.value: c.label_zh for c in EfficiencyClass})
    energy_calorific_tce: Number = column("年综合能源消费量（当量值）", "吨标准煤", DEC2)
    energy_primary_tce: Number = column("年综合能源消费量（等价值）", "吨标准煤", DEC2)
    over_10k_tce: bool = column("≥1万吨标准煤")
    over_50k_tce: bool = column("≥5万吨标准煤")
    coal_t: Number | None = column("年煤炭消费量", "吨", DEC2)
    coal_replacement: str = column("煤炭替代方式")
    review_number: str | None = column("节能审查意见文号")
    review_date: dt.date | None = column("节能审查日期", fmt=DATE)
    handling_class: str = column("处置类别代码")
    handling_class_zh: str = column("处置类别")
    year: int = column("年份", fmt=YEAR)
    region_room_tce: Number | None = column("地区用能空间", "吨标准煤", DEC2)
    share_of_room: Number | None = column("占地区用能空间比例", fmt=PCT1)
    exceeds_room: bool | None = column("超出地区用能空间")
    intensity_effect: Number | None = column("占地区能源消费量比例", fmt=PCT2,
                                             description="项目等价值能耗 ÷ 地区能源消费量")


class LogOut(BaseModel):
    date: dt.date = column("日期", fmt=DATE)
    note: str = column("监管记录")
    actor: str = column("记录人")


class TwoHighDetail(TwoHighOut):
    unit_id: int | None = column("单位编号", fmt=ID)
    actions: str | None = column("处置措施")
    log: list[LogOut] = column("监管记录")


class BudgetOut(BaseModel):
    year: int = column("年份", fmt=YEAR)
    scope: str = column("范围", description="region（地区）、unit（重点用能单位）、project（新上项目）")
    region: str = column("地区")
    unit_id: int | None = column("单位编号", fmt=ID, default=None)
    credit_code: str | None = column("统一社会信用代码", default=None)
    name: str | None = column("单位名称", default=None)
    project: str | None = column("项目", default=None)
    budget_tce: Number | None = column("用能预算", "吨标准煤", DEC2, default=None)
    to_date_tce: Number | None = column("截至目前能耗", "吨标准煤", DEC2, default=None)
    forecast_tce: Number | None = column("年末预测能耗", "吨标准煤", DEC2, default=None)
    forecast_method: str | None = column("预测方法", default=None)
    remaining_tce: Number | None = column("剩余预算", "吨标准煤", DEC2, default=None)
    room_tce: Number | None = column("剩余用能空间", "吨标准煤", DEC2, default=None)
    level: str | None = column("预算状态代码", default=None)
    level_zh: str | None = column("预算状态", default=None)


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
