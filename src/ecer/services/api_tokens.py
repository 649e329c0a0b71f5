"""API tokens of machine clients: create, revoke and list them, audited (the CLI and 系统管理 share this).

A token is scoped to one key unit (an enterprise gateway), to one region (a district's system,
read-only) or to the whole city (another government system, read-only). The clear text is returned
once by ``create``; neither it nor its hash ever reaches the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.services.dashboard import current_plan
from ecer.storage import audit
from ecer.storage.key_unit_registry import unit_by_code
from ecer.storage.key_units import ApiToken, KeyUnit
from ecer.storage.meter_data import aware_utc, create_token, revoke_token, tokens
from ecer.storage.models import utcnow
from ecer.web.access import TOKEN_SCOPES

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
STATE_ZH = {"active": "有效", "expired": "已过期", "revoked": "已吊销"}


def expiry_after(day: dt.date) -> dt.datetime:
    """A token "valid until" a date (Beijing time) stops at the next midnight there."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CHINA_STANDARD_TIME).astimezone(dt.UTC)


def create(session: Session, *, scope: str, label: str, actor: str, credit_code: str | None = None,
           region: str | None = None, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Check the scope's subject, add the token and record who made it; returns (record, clear text)."""
    label = label.strip()
    if not label or len(label) > 200:
        raise EcerError("INPUT_INVALID", "令牌名称（用途）须为 1～200 个字符", field="label", value=label)
    if scope not in TOKEN_SCOPES:
        raise EcerError("TOKEN_BAD_SCOPE", f"{scope}（可选：{'、'.join(TOKEN_SCOPES)}）", field="scope", value=scope)
    unit: KeyUnit | None = None
    if scope == "unit":
        if not (credit_code or "").strip():
            raise EcerError("TOKEN_BAD_SCOPE", "单位令牌须指定单位的统一社会信用代码", field="credit_code")
        unit = unit_by_code(session, credit_code or "")
        region = None
    elif scope == "region":
        if not (region or "").strip():
            raise EcerError("TOKEN_BAD_SCOPE", "地区令牌须指定地区", field="region")
        plan = current_plan(session)
        region = plan.region((region or "").strip()).name
        if region == plan.city.name:
            raise EcerError("TOKEN_BAD_SCOPE", f"{region} 是全市，请用全市只读令牌", field="region", value=region)
    else:
        region = None
    if expires_at is not None and expires_at <= utcnow():
        raise EcerError("INPUT_INVALID", "有效期须晚于现在", field="expires_at", value=expires_at.isoformat())
    record, token = create_token(session, unit.id if unit else None, label, actor, scope=scope, region=region,
                                 expires_at=expires_at)
    audit.record(session, actor, "tokens.create", record.id, detail={
        "token_id": record.id, "label": label, "scope": scope, "credit_code": unit.credit_code if unit else None,
        "region": region, "expires_at": expires_at.isoformat() if expires_at else None})
    return record, token


def revoke(session: Session, token_id: int, *, actor: str) -> ApiToken:
    """Revoke at once (the next request with it gets 401); revoking twice keeps the first time."""
    record = revoke_token(session, token_id, actor)
    audit.record(session, actor, "tokens.revoke", token_id, detail={"token_id": token_id, "label": record.label,
                                                                  "scope": record.scope})
    return record


def state(record: ApiToken, now: dt.datetime | None = None) -> str:
    """active, expired or revoked."""
    if record.revoked_at is not None:
        return "revoked"
    if record.expires_at is not None and aware_utc(record.expires_at) <= (now or utcnow()):
        return "expired"
    return "active"


def valid_until(record: ApiToken) -> dt.date | None:
    """The last day (Beijing time) the token works: the inverse of ``expiry_after``."""
    if record.expires_at is None:
        return None
    return (aware_utc(record.expires_at).astimezone(CHINA_STANDARD_TIME) - dt.timedelta(microseconds=1)).date()


def describe(session: Session, record: ApiToken) -> dict[str, Any]:
    """One token for lists and the CLI, without its secret or hash."""
    unit = session.get(KeyUnit, record.unit_id) if record.unit_id is not None else None
    current = state(record)
    return {"id": record.id, "label": record.label, "scope": record.scope,
            "scope_zh": TOKEN_SCOPES.get(record.scope, record.scope),
            "credit_code": unit.credit_code if unit else None, "unit_name": unit.name if unit else None,
            "region": record.region, "created_by": record.created_by, "created_at": record.created_at,
            "expires_at": record.expires_at, "valid_until": valid_until(record), "last_used_at": record.last_used_at,
            "revoked_at": record.revoked_at, "revoked_by": record.revoked_by,
            "state": current, "state_zh": STATE_ZH[current]}


def listing(session: Session) -> list[dict[str, Any]]:
    return [describe(session, t) for t in tokens(session)]
