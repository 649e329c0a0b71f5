"""系统管理: users and roles, API tokens of machine clients, the audit log and its hash-chain check.

Administrators only. Creating a token answers with a redirect to this page (so reloading the page
does not create a second token); the token's clear text travels in a short-lived HttpOnly cookie
limited to /admin, is shown once by the page it leads to, sent with ``Cache-Control: no-store``, and
the cookie is deleted with that answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ecer.domain.errors import EcerError
from ecer.services import api_tokens
from ecer.services import users as service
from ecer.services.dashboard import current_plan
from ecer.storage import audit
from ecer.storage.key_unit_registry import units
from ecer.storage.models import AuditEntry
from ecer.storage.users import all_users
from ecer.web.access import TOKEN_SCOPES
from ecer.web.auth import AdminDep, cookie_secure
from ecer.web.deps import SessionDep
from ecer.web.pages.rendering import render

router = APIRouter(include_in_schema=False)
AUDIT_ROWS = 200


def _page(request: Request, session: SessionDep, admin: AdminDep, message: str | None = None,
          error: str | None = None, status_code: int = 200, new_token: dict[str, object] | None = None
          ) -> HTMLResponse:
    plan = current_plan(session)
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_ROWS)))
    response = render(request, "admin.html", admin, status_code=status_code, users=all_users(session),
                      audit=entries, verification=audit.verify(session),
                      regions=[r.name for r in plan.annex1_regions()],
                      token_regions=[r.name for r in plan.regions if r != plan.city],
                      tokens=api_tokens.listing(session), token_scopes=TOKEN_SCOPES, key_units=units(session),
                      default_expiry=(dt.datetime.now(api_tokens.CHINA_STANDARD_TIME).date() + dt.timedelta(days=365)).isoformat(),
                      message=message, error=error, new_token=new_token)
    if new_token is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _problems(exc: EcerError) -> str:
    return "; ".join(p.message for p in exc.problems)


NEW_TOKEN_COOKIE = "ecer_new_token"


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, session: SessionDep, admin: AdminDep,
               created: Annotated[int | None, Query()] = None) -> HTMLResponse:
    flash = request.cookies.get(NEW_TOKEN_COOKIE, "")
    token_id, _, token = flash.partition(":")
    record = next((t for t in api_tokens.listing(session) if t["id"] == created), None) if created else None
    if record is None or not token or token_id != str(created):
        response = _page(request, session, admin)
    else:
        shown = {"id": created, "label": record["label"], "token": token}
        response = _page(request, session, admin, message=f"已创建令牌 {created}（{record['label']}）",
                         new_token=shown)
    if flash:
        response.delete_cookie(NEW_TOKEN_COOKIE, path="/admin")
    return response


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(request: Request, session: SessionDep, admin: AdminDep, username: Annotated[str, Form()],
             password: Annotated[str, Form()], role: Annotated[str, Form()],
             display_name: Annotated[str, Form()] = "", region: Annotated[str, Form()] = "",
             unit_id: Annotated[str, Form()] = "") -> HTMLResponse:
    plan = current_plan(session)
    try:
        unit = int(unit_id) if unit_id.strip() else None
        service.create_user(session, username=username, password=password, role=role, actor=admin.username,
                            display_name=display_name or None, region=region or None, unit_id=unit,
                            plan_regions=[r.name for r in plan.regions])
    except (EcerError, ValueError) as exc:
        message = _problems(exc) if isinstance(exc, EcerError) else "单位编号应为整数"
        session.rollback()
        return _page(request, session, admin, error=message, status_code=422)
    return _page(request, session, admin, message=f"已新增用户 {username}")


@router.post("/admin/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, admin: AdminDep, label: Annotated[str, Form()],
                 scope: Annotated[str, Form()], credit_code: Annotated[str, Form()] = "",
                 region: Annotated[str, Form()] = "", expires: Annotated[str, Form()] = "") -> Response:
    """Create a token and show its clear text this once (only the hash is kept)."""
    try:
        expires_at = api_tokens.expiry_after(dt.date.fromisoformat(expires)) if expires.strip() else None
        record, token = api_tokens.create(session, scope=scope, label=label, actor=admin.username,
                                          credit_code=credit_code or None, region=region or None,
                                          expires_at=expires_at)
    except (EcerError, ValueError) as exc:
        session.rollback()
        message = _problems(exc) if isinstance(exc, EcerError) else "有效期应为日期 YYYY-MM-DD"
        return _page(request, session, admin, error=message, status_code=422)
    done = RedirectResponse(f"/admin?created={record.id}#tokens", status_code=303)
    done.set_cookie(NEW_TOKEN_COOKIE, f"{record.id}:{token}", max_age=120, path="/admin", httponly=True,
                    samesite="strict", secure=cookie_secure())
    return done


@router.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, session: SessionDep, admin: AdminDep, token_id: int) -> HTMLResponse:
    api_tokens.revoke(session, token_id, actor=admin.username)
    return _page(request, session, admin, message=f"已吊销令牌 {token_id}")
