"""数据报送: download the template, upload and check (every error shown, nothing stored), submit, review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ecer.services import submissions
from ecer.services.dashboard import current_plan
from ecer.storage.models import StatisticsRevision
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.pages.rendering import TEMPLATES, render

router = APIRouter(include_in_schema=False)
HISTORY_ROWS = 100


@router.get("/submissions", response_class=HTMLResponse)
def page(request: Request, session: SessionDep, principal: PrincipalDep) -> HTMLResponse:
    plan = current_plan(session)
    readable = principal.readable([r.name for r in plan.regions], plan.city.name)
    base = select(StatisticsRevision).where(StatisticsRevision.region.in_(readable))
    history = list(session.scalars(base.order_by(StatisticsRevision.id.desc()).limit(HISTORY_ROWS)))
    pending = []
    if principal.can_review:
        for rev in session.scalars(base.where(StatisticsRevision.status == "submitted").order_by(StatisticsRevision.id)):
            current = session.scalars(select(StatisticsRevision).where(
                StatisticsRevision.region == rev.region, StatisticsRevision.year == rev.year,
                StatisticsRevision.period == rev.period, StatisticsRevision.status == "approved")
                .order_by(StatisticsRevision.id.desc()).limit(1)).first()
            pending.append((rev, current))
    return render(request, "submissions.html", principal, history=history, pending=pending)


@router.post("/submissions/check", response_class=HTMLResponse)
async def check(request: Request, session: SessionDep, principal: PrincipalDep,
                file: Annotated[UploadFile, File()]) -> HTMLResponse:
    content = await file.read(submissions.MAX_BYTES + 1)
    result = submissions.check_upload(session, principal, file.filename or "upload.xlsx", content)
    return TEMPLATES.TemplateResponse(request, "check_result.html", {
        "result": result, "csrf_token": getattr(request.state, "csrf_token", "")})


@router.post("/submissions/{upload_id}/submit")
def submit(upload_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    submissions.submit_upload(session, principal, upload_id)
    return RedirectResponse("/submissions", status_code=303)


@router.post("/submissions/review/{revision_id}")
def review(revision_id: int, session: SessionDep, principal: PrincipalDep, action: Annotated[str, Form()],
           reason: Annotated[str | None, Form()] = None) -> Response:
    submissions.review(session, principal, revision_id, action, reason)
    return RedirectResponse("/submissions", status_code=303)
