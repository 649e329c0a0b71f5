"""/api/v1/me, users (系统管理员) and the audit log with its verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from ecer.services import users as service
from ecer.services.dashboard import current_plan
from ecer.storage import audit
from ecer.storage.models import AuditEntry
from ecer.storage.users import User, all_users
from ecer.web.api.schemas import AuditOut, Me, UserIn, UserOut, VerifyOut
from ecer.web.auth import AdminDep, PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.listing import ListParams, Page, list_params, respond, respond_query

router = APIRouter(prefix="/api/v1", tags=["用户与审计"])
ListDep = Annotated[ListParams, Depends(list_params)]


@router.get("/me", response_model=Me, summary="当前用户")
def me(principal: PrincipalDep) -> Me:
    return Me(username=principal.username, display_name=principal.display_name, role=principal.role,
              role_zh=principal.role_zh, region=principal.region, unit_id=principal.unit_id)


def _user_row(user: User) -> dict[str, object]:
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
            "region": user.region, "unit_id": user.unit_id, "is_active": user.is_active,
            "created_at": user.created_at}


@router.get("/users", response_model=Page[UserOut], summary="用户列表（系统管理员）")
def list_users(session: SessionDep, _admin: AdminDep, params: ListDep) -> object:
    return respond([_user_row(u) for u in all_users(session)], UserOut, params, "users", title="用户列表")


@router.post("/users", response_model=UserOut, status_code=201, summary="新增用户（系统管理员）")
def add_user(body: UserIn, session: SessionDep, admin: AdminDep) -> object:
    plan = current_plan(session)
    user = service.create_user(session, username=body.username, password=body.password, role=body.role,
                               actor=admin.username, display_name=body.display_name, region=body.region,
                               unit_id=body.unit_id, plan_regions=[r.name for r in plan.regions])
    return _user_row(user)


@router.get("/audit", response_model=Page[AuditOut], summary="审计日志（系统管理员）")
def list_audit(session: SessionDep, _admin: AdminDep, params: ListDep,
               actor: Annotated[str | None, Query(description="操作人")] = None,
               action: Annotated[str | None, Query(description="操作，如 login、statistics.approve")] = None) -> object:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    fields = list(AuditOut.model_fields)
    return respond_query(session, query, lambda e: {f: getattr(e, f) for f in fields}, AuditOut, params, "audit",
                         title="审计日志")


@router.get("/audit/verify", response_model=VerifyOut, summary="校验审计日志哈希链（系统管理员）")
def verify_audit(session: SessionDep, _admin: AdminDep) -> object:
    result = audit.verify(session)
    return {"entries": result.entries, "ok": result.ok, "broken": result.broken}


