"""/api/v1/statistics: revisions (filters, pages, export), template, upload check, submit and review.

Web uploads go in two steps: ``POST /statistics/uploads`` checks the workbook and answers every
problem (nothing is added); ``POST /statistics/uploads/{id}/submit`` adds its rows as submitted
revisions. A reviewer then approves or returns each one (``POST /statistics/{id}/review``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from ecer.domain.errors import EcerError
from ecer.services import submissions
from ecer.services.dashboard import current_plan, require_region
from ecer.storage.models import StatisticsRevision
from ecer.web.api.schemas import CheckOut, ReviewIn, StatisticsOut, SubmitOut
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Page, list_params, respond_query

router = APIRouter(prefix="/api/v1", tags=["统计数据报送与审核"])
ListDep = Annotated[ListParams, Depends(list_params)]
FIELDS = list(StatisticsOut.model_fields)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def revision_row(rev: StatisticsRevision) -> dict[str, Any]:
    return {f: getattr(rev, f) for f in FIELDS}


@router.get("/statistics", response_model=Page[StatisticsOut], summary="统计数据修订（含旧修订，按权限）")
def list_statistics(session: SessionDep, principal: PrincipalDep, params: ListDep,
                    region: Annotated[str | None, Query(description="地区")] = None,
                    year: Annotated[int | None, Query(description="年份")] = None,
                    period: Annotated[str | None, Query(description="全年、一季度、上半年、前三季度")] = None,
                    status: Annotated[str | None, Query(description="draft、submitted、approved、returned")] = None,
                    ) -> Any:
    plan = current_plan(session)
    query = select(StatisticsRevision)
    if not principal.reads_all_regions:
        query = query.where(StatisticsRevision.region.in_(principal.readable([r.name for r in plan.regions],
                                                                              plan.city.name)))
    if region:
        query = query.where(StatisticsRevision.region == require_region(principal, plan, region))
    if year is not None:
        query = query.where(StatisticsRevision.year == year)
    if period:
        query = query.where(StatisticsRevision.period == period)
    if status:
        query = query.where(StatisticsRevision.status == status)
    return respond_query(session, query.order_by(StatisticsRevision.id.desc()), revision_row, StatisticsOut, params,
                         "statistics", title="统计数据修订", total_of=(StatisticsRevision,))


def _readable_revision(session: Any, principal: Any, revision_id: int) -> StatisticsRevision:
    rev = session.get(StatisticsRevision, revision_id)
    plan = current_plan(session)
    if rev is None or not principal.can_read_region(rev.region, plan.city.name):
        raise EcerError("NOT_FOUND", f"统计数据修订 {revision_id}")
    return rev


@router.get("/statistics/template.xlsx", summary="下载统计数据导入模板")
def template(_principal: PrincipalDep) -> Response:
    from ecer.web.templates_download import statistics_template

    return Response(statistics_template(), media_type=XLSX,
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''statistics-template.xlsx"})


@router.get("/statistics/{revision_id}", response_model=StatisticsOut, summary="一条统计数据修订")
def get_statistics(revision_id: int, session: SessionDep, principal: PrincipalDep) -> Any:
    return revision_row(_readable_revision(session, principal, revision_id))


@router.get("/statistics/{revision_id}/history", response_model=list[StatisticsOut],
            summary="同一地区、年份、期间的全部修订")
def history(revision_id: int, session: SessionDep, principal: PrincipalDep) -> Any:
    rev = _readable_revision(session, principal, revision_id)
    query = select(StatisticsRevision).where(StatisticsRevision.region == rev.region,
                                             StatisticsRevision.year == rev.year,
                                             StatisticsRevision.period == rev.period)
    return [revision_row(r) for r in session.scalars(query.order_by(StatisticsRevision.id))]


@router.post("/statistics/uploads", response_model=CheckOut, summary="上传并检查工作簿（不写入数据）")
async def upload(session: SessionDep, principal: PrincipalDep, file: Annotated[UploadFile, File()]) -> Any:
    content = await file.read(submissions.MAX_BYTES + 1)
    return submissions.check_upload(session, principal, file.filename or "upload.xlsx", content)


@router.post("/statistics/uploads/{upload_id}/submit", response_model=SubmitOut, summary="提交已通过检查的上传")
def submit(upload_id: int, session: SessionDep, principal: PrincipalDep) -> Any:
    return submissions.submit_upload(session, principal, upload_id)


@router.post("/statistics/{revision_id}/review", response_model=StatisticsOut, summary="审核：通过、退回（须填原因）或重新提交")
def review(revision_id: int, body: ReviewIn, session: SessionDep, principal: PrincipalDep) -> Any:
    return revision_row(submissions.review(session, principal, revision_id, body.action, body.reason))
