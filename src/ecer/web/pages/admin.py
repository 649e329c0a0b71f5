"""系统管理: users and roles, the audit log and its hash-chain check (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from ecer.domain.errors import EcerError
from ecer.services import users as service
from ecer.services.dashboard import current_plan
from ecer.storage import audit
from ecer.storage.models import AuditEntry
from ecer.storage.users import all_users
from ecer.web.auth import AdminDep
from ecer.web.deps import SessionDep
from ecer.web.pages.rendering import render

router = APIRouter(include_in_schema=False)
AUDIT_ROWS = 200


def _page(request: Request, session: SessionDep, admin: AdminDep, message: str | None = None,
          error: str | None = None, status_code: int = 200) -> HTMLResponse:
    plan = current_plan(session)
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_ROWS)))
    return render(request, "admin.html", admin, status_code=status_code, users=all_users(session), audit=entries,
                  verification=audit.verify(session), regions=[r.name for r in plan.annex1_regions()],
                  message=message, error=error)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, session: SessionDep, admin: AdminDep) -> HTMLResponse:
    return _page(request, session, admin)


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
        message = "; ".join(p.message for p in exc.problems) if isinstance(exc, EcerError) else "单位编号应为整数"
        session.rollback()
        return _page(request, session, admin, error=message, status_code=422)
    return _page(request, session, admin, message=f"已新增用户 {username}")
