"""Bearer tokens of machine clients (``api_tokens``): enterprise gateways, district and city systems.

``require_unit_token`` is the dependency of the gateway ingestion API (unit tokens only);
``principal_for_token`` lets the web application's login layer accept every token as a principal:
a unit token as the enterprise user of its unit, a region token as a read-only district user of
its region, a city token as a read-only user of the whole city. Only the token's SHA-256 is
stored; a revoked or expired token answers 401 at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ecer.domain.errors import ERRORS
from ecer.storage.db import session_scope
from ecer.storage.key_units import KeyUnit
from ecer.storage.meter_data import resolve_token

bearer = HTTPBearer(auto_error=False, description="企业采集网关接入令牌（ecer tokens create 或 系统管理页）")


@dataclass(frozen=True)
class TokenScope:
    token_id: int
    unit_id: int
    credit_code: str


def _refuse(status: int, code: str, detail: str = "") -> HTTPException:
    message = ERRORS[code].message_zh + (f"：{detail}" if detail else "")
    return HTTPException(status, detail={"code": code, "message": message},
                         headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def require_unit_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> TokenScope:
    """The token's unit; 401 TOKEN_INVALID when missing, unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _refuse(401, "TOKEN_INVALID", "缺少 Authorization: Bearer 令牌")
    with session_scope(request.app.state.database_url) as session:
        record = resolve_token(session, credentials.credentials)
        if record is None:
            raise _refuse(401, "TOKEN_INVALID")
        if record.scope != "unit" or record.unit_id is None:
            raise _refuse(403, "TOKEN_SCOPE", "只读令牌不能上传数据")
        unit = session.get(KeyUnit, record.unit_id)
        assert unit is not None
        return TokenScope(record.id, unit.id, unit.credit_code)


def check_scope(scope: TokenScope, credit_code: str) -> None:
    """403 TOKEN_SCOPE when a request names another unit than the token's."""
    if credit_code.strip().upper() != scope.credit_code:
        raise _refuse(403, "TOKEN_SCOPE", f"令牌属于 {scope.credit_code}，请求为 {credit_code}")


def principal_for_token(session: Session, token: str) -> Any:
    """The principal the token acts as (adopted by the web login layer), or None when it is not live."""
    record = resolve_token(session, token)
    if record is None:
        return None
    from ecer.web.access import Principal

    common = {"user_id": 0, "username": f"token:{record.id}", "display_name": record.label, "via": "token"}
    if record.scope == "region":
        return Principal(role="district", region=record.region, read_only=True, **common)
    if record.scope == "city":
        return Principal(role="readonly", read_only=True, **common)
    unit = session.get(KeyUnit, record.unit_id) if record.unit_id is not None else None
    if unit is None:
        return None
    return Principal(role="enterprise", region=unit.region, unit_id=unit.id, **common)


TokenDep = Annotated[TokenScope, Depends(require_unit_token)]
