"""Who is asking, on every request: the session cookie (pages and the API) or a bearer token.

``create_app`` puts ``require_principal`` on every router whose module does not declare
``PUBLIC = True``, so a router added later is protected by default. Anonymous requests raise
``NotAuthenticated``: the API answers 401 with the stable code, pages redirect to /login.

Cookies: ``ecer_session`` (random token; the database keeps only its SHA-256) is HttpOnly and
SameSite=Lax; set ``ECER_COOKIE_SECURE=1`` behind HTTPS. State-changing requests made with the
cookie must carry the session's CSRF token, as the form field ``csrf_token`` or the header
``X-CSRF-Token`` (htmx sends it from ``hx-headers`` on <body>). Bearer-token requests need none;
read-only tokens (region, city) are refused every state-changing request.
"""

from __future__ import annotations

import hmac
import importlib
import os
from contextlib import AbstractContextManager, nullcontext
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.web.access import Principal
from ecer.web.deps import SessionDep, request_session

SESSION_COOKIE = "ecer_session"
LOGIN_CSRF_COOKIE = "ecer_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotAuthenticated(Exception):
    """No valid session or token: 401 for the API, a redirect to the login page for pages."""


def cookie_secure() -> bool:
    return os.environ.get("ECER_COOKIE_SECURE", "").lower() in ("1", "true", "yes")


def _bearer_principal(request: Request, token: str, session: Session | None) -> Principal | None:
    """API tokens (issue 4's ``ecer.web.tokens``) when that module is installed."""
    try:
        tokens = importlib.import_module("ecer.web.tokens")
    except ModuleNotFoundError:
        return None
    resolve = getattr(tokens, "principal_for_token", None)
    if resolve is None:
        return None
    with _unit_of_work(request, session) as work:
        return resolve(work, token)  # type: ignore[no-any-return]


def _unit_of_work(request: Request, session: Session | None) -> AbstractContextManager[Session]:
    """The request's own session when the caller has it (one checkout and one transaction per
    request, not two: on PostgreSQL each is a round trip), else a session of its own."""
    return nullcontext(session) if session is not None else request_session(request)


def _from_request(request: Request, session: Session | None = None) -> Principal | None:
    """``session``: the request's unit of work when the caller has it (``_unit_of_work``)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    principal: Principal | None = None
    if header.lower().startswith("bearer "):
        principal = _bearer_principal(request, header[7:].strip(), session)
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            from ecer.services.users import resolve_session

            with _unit_of_work(request, session) as work:
                found = resolve_session(work, token)
            if found is not None:
                principal, request.state.csrf_token = found
    request.state.principal = principal
    return principal


async def require_principal(request: Request, session: SessionDep) -> Principal:
    """The app-level guard: a principal, and a valid CSRF token on cookie-authenticated changes.

    The session look-up runs in the thread pool: blocking the event loop on a busy connection pool
    would stall every request, including those that are about to give a connection back."""
    principal = await run_in_threadpool(_from_request, request, session)
    if principal is None:
        raise NotAuthenticated()
    if request.method not in SAFE_METHODS and principal.read_only:
        raise EcerError("ACCESS_DENIED", "只读令牌不能修改数据")
    if request.method not in SAFE_METHODS and principal.via == "session":
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = str((await request.form()).get("csrf_token") or "")
        if not sent or not hmac.compare_digest(sent, getattr(request.state, "csrf_token", "")):
            raise EcerError("AUTH_CSRF")
    return principal


def optional_principal(request: Request) -> Principal | None:
    return _from_request(request)


def csrf_token(request: Request) -> str:
    return getattr(request.state, "csrf_token", "")


PrincipalDep = Annotated[Principal, Depends(require_principal)]


def require_admin(principal: PrincipalDep) -> Principal:
    if not principal.is_admin:
        raise EcerError("ACCESS_DENIED", "仅系统管理员")
    return principal


def require_reviewer(principal: PrincipalDep) -> Principal:
    if not principal.can_review:
        raise EcerError("ACCESS_DENIED", "仅市级用户或系统管理员可审核")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
ReviewerDep = Annotated[Principal, Depends(require_reviewer)]
