"""Bearer tokens of enterprise gateways, each scoped to one key unit (``api_tokens``).

``require_unit_token`` is the dependency of the ingestion API; ``principal_for_token`` lets the web
application's login layer accept the same tokens as an enterprise principal of that unit.
Only the token's SHA-256 is stored; a revoked token answers 401 at once.
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

bearer = HTTPBearer(auto_error=False, description="企业采集网关接入令牌（ecer tokens create）")


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
        unit = session.get(KeyUnit, record.unit_id)
        assert unit is not None
        return TokenScope(record.id, unit.id, unit.credit_code)


def check_scope(scope: TokenScope, credit_code: str) -> None:
    """403 TOKEN_SCOPE when a request names another unit than the token's."""
    if credit_code.strip().upper() != scope.credit_code:
        raise _refuse(403, "TOKEN_SCOPE", f"令牌属于 {scope.credit_code}，请求为 {credit_code}")


def principal_for_token(session: Session, token: str) -> Any:
    """An enterprise principal acting for the token's unit (adopted by the web login layer), or None."""
    record = resolve_token(session, token)
    if record is None:
        return None
    from ecer.web.access import Principal

    unit = session.get(KeyUnit, record.unit_id)
    return Principal(user_id=0, username=f"token:{record.id}", display_name=record.label, role="enterprise",
                     region=unit.region if unit else None, unit_id=record.unit_id, via="token")


TokenDep = Annotated[TokenScope, Depends(require_unit_token)]
