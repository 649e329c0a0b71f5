"""API schemas (Pydantic): what each list item and object looks like on the wire.

Decimals are ``Number`` (JSON numbers); fractions stay fractions (0.145, not 14.5); keys snake_case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from ecer.web.listing import Number


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    role_zh: str
    region: str | None
    unit_id: int | None


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    region: str | None
    unit_id: int | None
    is_active: bool
    created_at: dt.datetime


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str
    role: str = Field(description="admin | city | district | enterprise | readonly")
    display_name: str | None = None
    region: str | None = Field(None, description="区县用户的所属地区")
    unit_id: int | None = Field(None, description="企业用户的重点用能单位编号")


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: Any
    before: Any
    after: Any
    prev_hash: str
    hash: str


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
    name: str
    code: str | None
    kind: str
    parent: str | None
    basic_target: Number | None
    incentive_target: Number | None
    cod_t: Number | None
    nh3n_t: Number | None
    nox_t: Number | None
    vocs_t: Number | None


class SeriesPoint(BaseModel):
    year: int
    energy_10k_tce: Number | None
    gdp_100m_yuan: Number | None
    gdp_index: Number | None
    intensity_tce_per_10k_yuan: Number | None
    pending_status: str | None
    pending_energy_10k_tce: Number | None


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
    indicator_id: str
    name_zh: str
    unit: str
    kind: str
    region: str
    baseline: Number | None
    target_value: Number
    target_year: int
    year: int | None
    value: Number | None
    source: str | None
    achieved: Number | None
    progress: Number | None
    met: bool | None
    status: str


class IndicatorValueOut(BaseModel):
    id: int
    indicator_id: str
    region: str
    year: int
    value: Number
    source: str | None
    status: str
    created_by: str
    created_at: dt.datetime


class StatisticsOut(BaseModel):
    id: int
    region: str
    region_code: str | None
    year: int
    period: str
    vintage: str
    status: str
    return_reason: str | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    source_file: str
    source_row: int | None
    created_by: str
    created_at: dt.datetime
    gdp_100m_yuan: Number | None
    gdp_index: Number | None
    energy_10k_tce: Number | None
    coal_10k_tce: Number | None
    nonfossil_10k_tce: Number | None
    renewable_electricity_100m_kwh: Number | None
    feedstock_10k_tce: Number | None
    listed_projects_10k_tce: Number | None


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
    region: str
    region_code: str | None
    year: int
    period: str
    intensity_change: Number | None
    cumulative_reduction: Number | None
    required_progress: Number | None
    gap: Number | None
    level: str | None
    basic_target: Number | None
    incentive_target: Number | None
    basic_met: bool | None
    incentive_met: bool | None
    required_annual_rate_remaining: Number | None
    missing: list[str]


class MissingOut(BaseModel):
    region: str
    year: int
    period: str
    state: str
    latest_status: str | None
    missing: list[str]


class VerifyOut(BaseModel):
    entries: int
    ok: bool
    broken: list[dict[str, Any]]


RegionDetail.model_rebuild()
