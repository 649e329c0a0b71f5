"""/api/v1/assessment: the yearly assessment of the districts — results, one region's items, the workflow.

Reads and actions are scoped by ``ecer.services.assessment_views`` (district: its own region; enterprise
users refused). Each action maps to one function of ``ecer.services.assessment_workflow``, which checks
the state (ASSESS_BAD_TRANSITION … → 409/422) and writes the audit log.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ecer.services import assessment_views as views
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Number, Page, list_params, respond

router = APIRouter(prefix="/api/v1/assessment", tags=["考核评价"])
ListDep = Annotated[ListParams, Depends(list_params)]
YearQuery = Annotated[int | None, Query(description="考核年度（全期考核为期末年），默认最近有已审核全年统计数据的年份")]
ScopeQuery = Annotated[Literal["year", "period"], Query(description="year（年度考核）或 period（规划期考核）")]
RubricQuery = Annotated[str, Query(description="计分表：energy-2021 或 pollutant-2021")]


def _col(title: str, fmt: str | None = None, **kwargs: Any) -> Any:
    """A field with its Chinese title (OpenAPI docs, export headers) and Excel number format (``x-format``)."""
    return Field(title=title, json_schema_extra={"x-format": fmt} if fmt else None, **kwargs)


class ResultOut(BaseModel):
    rank: int = _col("名次", "0")
    region: str = _col("地区")
    region_code: str | None = _col("区划代码")
    year: int = _col("考核年度", "0")
    score: Number = _col("总分", "#,##0.00")
    rating: str = _col("等级")
    vetoed: bool = _col("一票否决")
    status: str = _col("状态", description="draft、reviewed 或 published")
    status_zh: str = _col("状态（中文）")
    state: str = _col("流程状态", description="self（待自评）、submitted（待审核）、reviewed（已审核待公布）、"
                                         "appealed（申诉处理中）、published（已公布）")
    state_zh: str = _col("流程状态（中文）")
    self_submitted: bool = _col("自评已提交")
    pending_appeals: int = _col("待处理申诉", "0")
    scope: str = _col("考核范围", description="year（年度）或 period（规划期）")
    rubric_id: str = _col("计分表")


class EvidenceOut(BaseModel):
    id: int
    item_code: str
    file_name: str
    sha256: str
    size_bytes: int
    uploaded_by: str
    uploaded_at: dt.datetime


class ItemOut(BaseModel):
    code: str
    name: str
    kind: str = Field(description="target（目标完成，按数据计分）或 measure（措施落实）")
    method: str | None = Field(description="reviewer、timeliness、alarm_handling、key_units、key_projects")
    points: Number = Field(description="计入总分的得分")
    max_points: Number
    basis: str
    source: str | None = Field(description="auto、override、review、self 或 none：得分由谁决定")
    source_zh: str | None
    auto_points: Number | None = Field(description="按数据自动计分的得分（无数据或人工评分项为空）")
    self_points: Number | None
    self_comment: str | None
    self_by: str | None
    review_points: Number | None
    review_comment: str | None
    review_by: str | None
    evidence: list[EvidenceOut]


class AppealOut(BaseModel):
    id: int
    item_code: str | None
    item_name: str
    reason: str
    filed_by: str
    filed_at: dt.datetime
    decision: str | None = Field(description="upheld（成立）、rejected（驳回）或空（待处理）")
    decision_zh: str
    decision_reason: str | None
    new_points: Number | None
    decided_by: str | None
    decided_at: dt.datetime | None


class RegionOut(BaseModel):
    region: str
    region_code: str | None
    year: int
    scope: str
    rubric_id: str
    score: Number
    rating: str
    vetoed: bool
    status: str
    status_zh: str
    state: str
    state_zh: str
    self_submitted: bool
    self_submitted_by: str | None
    reviewed_by: str | None
    published_by: str | None
    items: list[ItemOut]
    appeals: list[AppealOut]
    pending_appeals: int
    actions: list[str] = Field(description="当前用户此刻可执行的操作")


class YearIn(BaseModel):
    year: int = Field(description="考核年度")
    scope: Literal["year", "period"] = "year"
    rubric: str = Field("energy-2021", description="计分表")


class ScoreIn(YearIn):
    item: str = Field(description="考核项代码（措施项），如 organisation")
    points: Decimal = Field(description="得分，0 至该项满分")
    comment: str | None = Field(None, description="说明或审核意见")


class AppealIn(YearIn):
    reason: str = Field("", description="申诉理由（必填）")
    item: str | None = Field(None, description="申诉的考核项代码；不填为整体结果")


class DecideIn(BaseModel):
    decision: Literal["upheld", "rejected"] = Field(description="upheld（成立）或 rejected（驳回）")
    reason: str = Field("", description="决定理由（必填）")
    points: Decimal | None = Field(None, description="申诉成立时该项的新得分")


class Done(BaseModel):
    ok: bool = True
    region: str
    appeal_id: int | None = None


def _detail(session: Any, principal: Any, region: str, body: YearIn) -> dict[str, Any]:
    return views.region_detail(session, principal, region, body.year, scope=body.scope, rubric_id=body.rubric)


@router.get("", response_model=Page[ResultOut], summary="考核结果：各地区得分、等级、流程状态（按权限）")
def results(session: SessionDep, principal: PrincipalDep, params: ListDep, year: YearQuery = None,
            scope: ScopeQuery = "year", rubric: RubricQuery = "energy-2021") -> Any:
    rows = views.results(session, principal, views.default_year(session, year), scope=scope, rubric_id=rubric)
    return respond(rows, ResultOut, params, "assessment")


@router.get("/evidence/{evidence_id}", summary="下载佐证材料")
def evidence(evidence_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    name, content = views.evidence_file(session, principal, evidence_id)
    return Response(content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/{region}", response_model=RegionOut, summary="一个地区的考核明细：各项得分、自评、审核、佐证材料、申诉")
def region_result(region: str, session: SessionDep, principal: PrincipalDep, year: YearQuery = None,
                  scope: ScopeQuery = "year", rubric: RubricQuery = "energy-2021") -> Any:
    return views.region_detail(session, principal, region, views.default_year(session, year), scope=scope,
                               rubric_id=rubric)


@router.post("/{region}/self", response_model=RegionOut, summary="自评一项（仅本地区区县用户，自评提交前）")
def self_assess(region: str, body: ScoreIn, session: SessionDep, principal: PrincipalDep) -> Any:
    views.self_assess(session, principal, region, year=body.year, item=body.item, points=body.points,
                      comment=body.comment, scope=body.scope, rubric_id=body.rubric)
    return _detail(session, principal, region, body)


@router.post("/{region}/submit", response_model=RegionOut, summary="提交自评（仅本地区区县用户）")
def submit_self(region: str, body: YearIn, session: SessionDep, principal: PrincipalDep) -> Any:
    views.submit_self(session, principal, region, year=body.year, scope=body.scope, rubric_id=body.rubric)
    return _detail(session, principal, region, body)


@router.post("/{region}/review", response_model=RegionOut, summary="审核评分一项（市级用户，自评提交后）")
def review_item(region: str, body: ScoreIn, session: SessionDep, principal: PrincipalDep) -> Any:
    views.review_item(session, principal, region, year=body.year, item=body.item, points=body.points,
                      comment=body.comment, scope=body.scope, rubric_id=body.rubric)
    return _detail(session, principal, region, body)


@router.post("/{region}/finish-review", response_model=RegionOut, summary="审核完成（市级用户）")
def finish_review(region: str, body: YearIn, session: SessionDep, principal: PrincipalDep) -> Any:
    views.finish_review(session, principal, region, year=body.year, scope=body.scope, rubric_id=body.rubric)
    return _detail(session, principal, region, body)


@router.post("/{region}/appeals", response_model=Done, status_code=201,
             summary="对审核结果申诉（仅本地区区县用户，须填理由）")
def appeal(region: str, body: AppealIn, session: SessionDep, principal: PrincipalDep) -> Any:
    appeal_id = views.appeal(session, principal, region, year=body.year, reason=body.reason, item=body.item,
                             scope=body.scope, rubric_id=body.rubric)
    return {"region": region, "appeal_id": appeal_id}


@router.post("/appeals/{appeal_id}/decide", response_model=Done, summary="对申诉作出决定（市级用户，须填理由）")
def decide(appeal_id: int, body: DecideIn, session: SessionDep, principal: PrincipalDep) -> Any:
    region = views.decide(session, principal, appeal_id, decision=body.decision, reason=body.reason,
                          points=body.points)
    return {"region": region, "appeal_id": appeal_id}


@router.post("/{region}/publish", response_model=RegionOut, summary="公布考核结果（市级用户或系统管理员；结果冻结）")
def publish(region: str, body: YearIn, session: SessionDep, principal: PrincipalDep) -> Any:
    views.publish(session, principal, region, year=body.year, scope=body.scope, rubric_id=body.rubric)
    return _detail(session, principal, region, body)
