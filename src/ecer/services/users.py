"""Users and logins: argon2 password hashes, password rules, throttling, server-side sessions.

Used by ``ecer users`` and by the web application; every change and every login attempt is
written to the audit log (never a password or its hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.storage import audit
from ecer.storage import users as repo
from ecer.storage.models import utcnow
from ecer.storage.users import LoginAttempt, User, WebSession
from ecer.web.access import ROLES, Principal

MIN_LENGTH = 10
COMMON = frozenset({"password123", "admin12345", "1234567890", "qwerty1234", "abc1234567", "jilin12345"})
# Throttling: after this many failures within the window a user name (or a client) must wait.
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
SESSION_LIFETIME = dt.timedelta(hours=8)  # one working day

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults


def password_problems(password: str, username: str = "") -> list[str]:
    """Why a password is refused (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"至少 {MIN_LENGTH} 个字符")
    kinds = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)))
    if kinds < 2:
        problems.append("须包含字母、数字、符号中的至少两类")
    if username and username.lower() in password.lower():
        problems.append("不得包含用户名")
    if password.lower() in COMMON:
        problems.append("过于常见")
    return problems


def check_password_rules(password: str, username: str = "") -> None:
    problems = password_problems(password, username)
    if problems:
        raise EcerError("PASSWORD_TOO_WEAK", "；".join(problems), field="password")


def random_password(username: str = "", length: int = 16) -> str:
    """A random password that meets the rules for ``username`` (letters and digits, no look-alikes):
    a short user name such as "yj" turns up in a few per cent of random passwords, which the rules refuse."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "lI1O0o")
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if not password_problems(candidate, username):
            return candidate


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def principal_of(user: User, via: str = "session") -> Principal:
    return Principal(user.id, user.username, user.display_name, user.role, user.region, user.unit_id, via)


def _public(user: User) -> dict[str, object]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "region": user.region, "unit_id": user.unit_id, "is_active": user.is_active}


def create_user(session: Session, *, username: str, password: str, role: str, actor: str,
                display_name: str | None = None, region: str | None = None, unit_id: int | None = None,
                plan_regions: list[str] | None = None) -> User:
    """Add a user after checking name, role, scope and password; audited."""
    username = username.strip()
    if not username or len(username) > 64:
        raise EcerError("INPUT_INVALID", "用户名须为 1～64 个字符", field="username", value=username)
    if role not in ROLES:
        raise EcerError("USER_BAD_ROLE", f"{role}（可选：{'、'.join(ROLES)}）", field="role", value=role)
    if role == "district" and not region:
        raise EcerError("USER_SCOPE_REQUIRED", "区县用户须指定 --region", field="region")
    if role == "enterprise" and unit_id is None:
        raise EcerError("USER_SCOPE_REQUIRED", "企业用户须指定 --unit", field="unit_id")
    if region and plan_regions is not None and region not in plan_regions:
        raise EcerError("PLAN_UNKNOWN_REGION", region, field="region", value=region)
    if repo.by_username(session, username) is not None:
        raise EcerError("USER_EXISTS", username, field="username", value=username)
    check_password_rules(password, username)
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                role=role, region=region if role == "district" else None,
                unit_id=unit_id if role == "enterprise" else None, is_active=True)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", username, after=_public(user))
    return user


def set_password(session: Session, user: User, password: str, *, actor: str) -> None:
    check_password_rules(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    repo.end_sessions(session, user.id)
    audit.record(session, actor, "user.password", user.username, detail={"sessions_ended": True})


def update_user(session: Session, user: User, *, actor: str, role: str | None = None,
                region: str | None = None, is_active: bool | None = None) -> User:
    before = _public(user)
    if role is not None:
        if role not in ROLES:
            raise EcerError("USER_BAD_ROLE", role, field="role", value=role)
        user.role = role
    if region is not None:
        user.region = region or None
    if user.role == "district" and not user.region:
        raise EcerError("USER_SCOPE_REQUIRED", "区县用户须指定所属地区", field="region")
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            repo.end_sessions(session, user.id)
    audit.record(session, actor, "user.update", user.username, before=before, after=_public(user))
    return user


@dataclass(frozen=True)
class LoginResult:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    principal: Principal


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, username: str, password: str, client: str | None) -> LoginResult:
    """Check the password (throttled), open a session; every attempt is recorded and audited.

    Failures are written by the caller's transaction only if it commits, so the web layer commits
    them before answering (see ``ecer.web.auth``).
    """
    now = utcnow()
    username = username.strip()[:64]
    if (repo.recent_failures(session, username, now - WINDOW) >= MAX_FAILURES_PER_USER
            or (client and repo.recent_client_failures(session, client, now - WINDOW) >= MAX_FAILURES_PER_CLIENT)):
        session.add(LoginAttempt(username=username, client=client, succeeded=False))
        audit.record(session, username, "login.throttled", username, detail={"client": client})
        raise EcerError("AUTH_THROTTLED", f"{int(WINDOW.total_seconds() // 60)} 分钟内失败过多")
    user = repo.by_username(session, username)
    ok = False
    if user is not None and user.is_active:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # spend the same time whether or not the user exists
    session.add(LoginAttempt(username=username, client=client, succeeded=ok))
    if not ok or user is None:
        audit.record(session, username, "login.failed", username, detail={"client": client})
        raise EcerError("AUTH_BAD_CREDENTIALS")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(WebSession(id=token_hash(token), user_id=user.id, csrf_token=csrf, expires_at=now + SESSION_LIFETIME,
                           client=client))
    audit.record(session, user.username, "login", user.username, detail={"client": client})
    return LoginResult(token, csrf, principal_of(user))


def resolve_session(session: Session, token: str) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session, or None."""
    found = repo.live_session(session, token_hash(token), utcnow())
    if found is None:
        return None
    return Principal(found.id, found.username, found.display_name, found.role, found.region, found.unit_id,
                     "session"), found.csrf_token


def logout(session: Session, token: str, actor: str) -> None:
    row = session.get(WebSession, token_hash(token))
    if row is not None:
        session.delete(row)
        audit.record(session, actor, "logout", actor)
