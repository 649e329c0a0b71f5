"""API schemas (Pydantic): what each list item and object looks like on the wire.

Decimals are ``Number`` (JSON numbers); fractions stay fractions (0.145, not 14.5); keys snake_case.
Fields of list items are declared with :func:`ecer.web.columns.column`: Chinese title, unit and Excel
number format, shown in the OpenAPI docs and used by the XLSX export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from ecer.web.access import ROLES
from ecer.web.columns import DATETIME, DEC1, DEC2, GENERAL, ID, INT, PCT1, PCT2, YEAR, column
from ecer.web.listing import Number
from ecer.web.pages.rendering import LEVEL_ZH, STATUS_ZH  # exports show the codes as the pages do


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    role_zh: str
    region: str | None
    unit_id: int | None


class UserOut(BaseModel):
    id: int = column("编号", fmt=ID)
    username: str = column("用户名")
    display_name: str = column("姓名")
    role: str = column("角色", description="admin、city、district、enterprise、readonly", labels=ROLES)
    region: str | None = column("所属地区")
    unit_id: int | None = column("重点用能单位编号", fmt=ID)
    is_active: bool = column("启用")
    created_at: dt.datetime = column("创建时间", fmt=DATETIME)


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str
    role: str = Field(description="admin | city | district | enterprise | readonly")
    display_name: str | None = None
    region: str | None = Field(None, description="区县用户的所属地区")
    unit_id: int | None = Field(None, description="企业用户的重点用能单位编号")


class AuditOut(BaseModel):
    id: int = column("序号", fmt=ID)
    at: dt.datetime = column("时间", fmt=DATETIME)
    actor: str = column("操作人")
    action: str = column("操作")
    target: str = column("对象")
    detail: Any = column("详情")
    before: Any = column("修改前")
    after: Any = column("修改后")
    prev_hash: str = column("前一条哈希", description="前一条记录的 SHA-256；第一条为 64 个 0")
    hash: str = column("本条哈希", description="SHA-256（本条字段的规范 JSON + 前一条哈希）")


class PlanOut(BaseModel):
    id: str
    title: str
    issuer: str
    status: str
    base_year: int
    target_year: int
    policy_rule_set: str
    barometer_rule: str
    progress_path: str


class RegionOut(BaseModel):
    name: str = column("地区")
    code: str | None = column("行政区划代码")
    kind: str = column("类型", description="city、county、county_city、district、zone")
    parent: str | None = column("上级地区")
    basic_target: Number | None = column("能耗强度降低基本目标", fmt=PCT1, description="“十四五”累计降低，小数")
    incentive_target: Number | None = column("能耗强度降低激励目标", fmt=PCT1, description="“十四五”累计降低，小数")
    cod_t: Number | None = column("化学需氧量重点工程减排量目标", "吨", INT)
    nh3n_t: Number | None = column("氨氮重点工程减排量目标", "吨", INT)
    nox_t: Number | None = column("氮氧化物重点工程减排量目标", "吨", INT)
    vocs_t: Number | None = column("挥发性有机物重点工程减排量目标", "吨", INT)


class SeriesPoint(BaseModel):
    year: int = column("年份", fmt=YEAR)
    energy_10k_tce: Number | None = column("能源消费总量", "万吨标准煤", DEC2)
    gdp_100m_yuan: Number | None = column("地区生产总值（现价）", "亿元", DEC2)
    gdp_index: Number | None = column("地区生产总值指数（上年=100）", fmt=DEC1)
    intensity_tce_per_10k_yuan: Number | None = column("单位地区生产总值能耗", "吨标准煤/万元", "0.0000")
    pending_status: str | None = column("待审核修订状态")
    pending_energy_10k_tce: Number | None = column("待审核的能源消费总量", "万吨标准煤", DEC2)


class RegionDetail(BaseModel):
    region: str
    code: str | None
    kind: str
    basic_target: Number | None
    incentive_target: Number | None
    pollutant_targets: dict[str, Number] | None
    series: list[SeriesPoint]
    progress: list[ProgressOut]


class IndicatorOut(BaseModel):
    indicator_id: str = column("指标代码")
    name_zh: str = column("指标名称")
    unit: str = column("单位", description="百分数指标的值为小数（0.15 即 15%）")
    kind: str = column("指标类型")
    region: str = column("地区")
    baseline: Number | None = column("基数", fmt=GENERAL, description="单位见“单位”列")
    target_value: Number = column("目标值", fmt=GENERAL, description="单位见“单位”列")
    target_year: int = column("目标年份", fmt=YEAR)
    year: int | None = column("最新值年份", fmt=YEAR)
    value: Number | None = column("最新值", fmt=GENERAL, description="单位见“单位”列")
    source: str | None = column("数据来源")
    achieved: Number | None = column("已完成", fmt=GENERAL, description="按指标类型计算，单位见“单位”列")
    progress: Number | None = column("完成进度", fmt=PCT1)
    met: bool | None = column("是否达到目标")
    status: str = column("状态")


class IndicatorValueOut(BaseModel):
    id: int = column("编号", fmt=ID)
    indicator_id: str = column("指标代码")
    region: str = column("地区")
    year: int = column("年份", fmt=YEAR)
    value: Number = column("报送值", fmt=GENERAL, description="指标的单位；百分数指标为小数")
    source: str | None = column("数据来源")
    status: str = column("审核状态", labels=STATUS_ZH)
    created_by: str = column("报送人")
    created_at: dt.datetime = column("报送时间", fmt=DATETIME)


class StatisticsOut(BaseModel):
    """Titles and units as in the statistics template (``ecer.importers.statistics.COLUMNS``)."""

    id: int = column("修订编号", fmt=ID)
    region: str = column("地区")
    region_code: str | None = column("行政区划代码")
    year: int = column("年份", fmt=YEAR)
    period: str = column("期间", description="全年、一季度、上半年、前三季度（累计值）")
    vintage: str = column("数据版本", description="快报、初步核实、最终核实")
    status: str = column("审核状态", description="draft、submitted、approved、returned", labels=STATUS_ZH)
    return_reason: str | None = column("退回原因")
    reviewed_by: str | None = column("审核人")
    reviewed_at: dt.datetime | None = column("审核时间", fmt=DATETIME)
    source_file: str = column("来源文件")
    source_row: int | None = column("来源行号", fmt=ID)
    created_by: str = column("报送人")
    created_at: dt.datetime = column("报送时间", fmt=DATETIME)
    gdp_100m_yuan: Number | None = column("地区生产总值（现价）", "亿元", DEC2)
    gdp_index: Number | None = column("地区生产总值指数（上年同期=100）", fmt=DEC1)
    energy_10k_tce: Number | None = column("能源消费总量", "万吨标准煤", DEC2)
    coal_10k_tce: Number | None = column("煤炭消费量", "万吨标准煤", DEC2)
    nonfossil_10k_tce: Number | None = column("非化石能源消费量", "万吨标准煤", DEC2)
    renewable_electricity_100m_kwh: Number | None = column("可再生能源电力消费量", "亿千瓦时", DEC2)
    feedstock_10k_tce: Number | None = column("原料用能", "万吨标准煤", DEC2)
    listed_projects_10k_tce: Number | None = column("单列项目能耗", "万吨标准煤", DEC2)


class ReviewIn(BaseModel):
    action: str = Field(description="submit | approve | return")
    reason: str | None = Field(None, description="退回原因（退回时必填）")


class ProblemOut(BaseModel):
    code: str
    message: str
    file: str | None
    sheet: str | None
    row: int | None
    column: str | None
    field: str | None
    value: str | None
    reason: str


class CheckOut(BaseModel):
    upload_id: int
    filename: str
    ok: bool
    rows: int
    problems: list[ProblemOut]


class SubmitOut(BaseModel):
    upload_id: int
    batch_id: int
    rows_read: int
    rows_added: int
    status: str


class ProgressOut(BaseModel):
    """Fractions as ``ecer progress --json`` prints them; the XLSX export shows them as percentages."""

    region: str = column("地区")
    region_code: str | None = column("行政区划代码")
    year: int = column("年份", fmt=YEAR)
    period: str = column("期间")
    intensity_change: Number | None = column("能耗强度同比变化", fmt=PCT2, description="负数为降低")
    cumulative_reduction: Number | None = column("“十四五”以来能耗强度累计降低", fmt=PCT2)
    required_progress: Number | None = column("应完成的累计降低进度", fmt=PCT2)
    gap: Number | None = column("与进度要求的差距", fmt=PCT2, description="正数为超前")
    level: str | None = column("预警等级", description="red（红色）、yellow（黄色）、green（绿色）", labels=LEVEL_ZH)
    basic_target: Number | None = column("基本目标", fmt=PCT1)
    incentive_target: Number | None = column("激励目标", fmt=PCT1)
    basic_met: bool | None = column("达到基本目标")
    incentive_met: bool | None = column("达到激励目标")
    required_annual_rate_remaining: Number | None = column("剩余年份年均须降低", fmt=PCT2)
    missing: list[str] = column("缺少的数据")


class MissingOut(BaseModel):
    region: str = column("地区")
    year: int = column("年份", fmt=YEAR)
    period: str = column("期间")
    state: str = column("情况")
    latest_status: str | None = column("最新修订状态", labels=STATUS_ZH)
    missing: list[str] = column("缺少的数据")


class VerifyOut(BaseModel):
    entries: int
    ok: bool
    broken: list[dict[str, Any]]


RegionDetail.model_rebuild()
