"""考核评价 pages: the ranked results of a year and one region's items with the forms its user may use.

The forms post to the same scoped functions as the API (``ecer.services.assessment_views``) and come
back to the region's page; the download links go to ``/reports/assessment`` (users who read every region).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ecer.domain.assessment.rubric import load_rubric
from ecer.domain.errors import EcerError
from ecer.services import assessment_views as views
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.pages.rendering import render

router = APIRouter(include_in_schema=False)
YearForm = Annotated[int, Form()]
RUBRIC = "energy-2021"  # the pages show the yearly energy assessment; the API takes any rubric and scope


def _points(value: str | None, required: bool = True) -> Decimal | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise EcerError("INPUT_MISSING", "请填写得分", field="points")
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise EcerError("INPUT_INVALID", f"得分“{text}”不是数字", field="points", value=text) from exc


def _back(region: str, year: int) -> Response:
    return RedirectResponse(f"/assessment/{quote(region)}?year={year}", status_code=303)


@router.get("/assessment", response_class=HTMLResponse)
def results(request: Request, session: SessionDep, principal: PrincipalDep, year: int | None = None) -> HTMLResponse:
    chosen = views.default_year(session, year)
    rows = views.results(session, principal, chosen, rubric_id=RUBRIC)
    return render(request, "assessment.html", principal, rows=rows, year=chosen, rubric=load_rubric(RUBRIC),
                  years=list(range(chosen - 4, chosen + 2)))


@router.get("/assessment/{region}", response_class=HTMLResponse)
def region_page(region: str, request: Request, session: SessionDep, principal: PrincipalDep,
                year: int | None = None) -> HTMLResponse:
    chosen = views.default_year(session, year)
    d = views.region_detail(session, principal, region, chosen, rubric_id=RUBRIC)
    rubric = load_rubric(RUBRIC)
    return render(request, "assessment_region.html", principal, d=d, year=chosen,
                  measures=[m for m in rubric.measures],
                  all_items=[*rubric.targets, *rubric.measures])


@router.post("/assessment/{region}/self")
async def self_assess(region: str, session: SessionDep, principal: PrincipalDep, year: YearForm,
                      item: Annotated[str, Form()], points: Annotated[str, Form()],
                      comment: Annotated[str | None, Form()] = None,
                      evidence: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    files = [(f.filename or "evidence", await f.read(views.MAX_EVIDENCE_BYTES + 1))
             for f in evidence or [] if f.filename]
    with views.uploaded_files(files) as paths:
        views.self_assess(session, principal, region, year=year, item=item, points=_points(points) or Decimal(0),
                          comment=comment, evidence=paths, rubric_id=RUBRIC)
    return _back(region, year)


@router.post("/assessment/{region}/submit")
def submit_self(region: str, session: SessionDep, principal: PrincipalDep, year: YearForm) -> Response:
    views.submit_self(session, principal, region, year=year, rubric_id=RUBRIC)
    return _back(region, year)


@router.post("/assessment/{region}/review")
def review_item(region: str, session: SessionDep, principal: PrincipalDep, year: YearForm,
                item: Annotated[str, Form()], points: Annotated[str, Form()],
                comment: Annotated[str | None, Form()] = None) -> Response:
    views.review_item(session, principal, region, year=year, item=item, points=_points(points) or Decimal(0),
                      comment=comment, rubric_id=RUBRIC)
    return _back(region, year)


@router.post("/assessment/{region}/finish-review")
def finish_review(region: str, session: SessionDep, principal: PrincipalDep, year: YearForm) -> Response:
    views.finish_review(session, principal, region, year=year, rubric_id=RUBRIC)
    return _back(region, year)


@router.post("/assessment/{region}/appeal")
def appeal(region: str, session: SessionDep, principal: PrincipalDep, year: YearForm,
           reason: Annotated[str, Form()] = "", item: Annotated[str | None, Form()] = None) -> Response:
    views.appeal(session, principal, region, year=year, reason=reason, item=item, rubric_id=RUBRIC)
    return _back(region, year)


@router.post("/assessment/appeals/{appeal_id}/decide")
def decide(appeal_id: int, session: SessionDep, principal: PrincipalDep, year: YearForm,
           decision: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
           points: Annotated[str | None, Form()] = None) -> Response:
    region = views.decide(session, principal, appeal_id, decision=decision, reason=reason,
                          points=_points(points, required=False))
    return _back(region, year)


@router.post("/assessment/{region}/publish")
def publish(region: str, session: SessionDep, principal: PrincipalDep, year: YearForm) -> Response:
    views.publish(session, principal, region, year=year, rubric_id=RUBRIC)
    return _back(region, year)
