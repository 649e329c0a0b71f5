"""/login and /logout. Public: the login form is protected by a double-submit CSRF cookie."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ecer.domain.errors import ERRORS, EcerError
from ecer.services import users
from ecer.services.users import SESSION_LIFETIME
from ecer.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie_secure, optional_principal
from ecer.web.deps import request_session
from ecer.web.pages.rendering import render

PUBLIC = True
router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host): an open redirect would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _form(request: Request, next_: str, error: str | None = None, username: str | None = None,
          status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, status_code=status_code, login_csrf=token, next=_safe_next(next_),
                      error=error, username=username)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(),
                        path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if optional_principal(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _form(request, next)


@router.post("/login")
def login_submit(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
                 csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return _form(request, next, ERRORS["AUTH_CSRF"].message_zh, username, status_code=403)
    client = request.client.host if request.client else None
    failure: EcerError | None = None
    with request_session(request) as session:  # failures are committed too
        try:
            result = users.login(session, username, password, client)
        except EcerError as exc:
            failure = exc
    if failure is not None:
        status = 429 if failure.code == "AUTH_THROTTLED" else 401
        return _form(request, next, ERRORS[failure.code].message_zh, username, status_code=status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="lax", secure=cookie_secure(),
                        max_age=int(SESSION_LIFETIME.total_seconds()), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    principal = optional_principal(request)
    token = request.cookies.get(SESSION_COOKIE)
    if principal is not None and token:
        if not hmac.compare_digest(csrf_token, getattr(request.state, "csrf_token", "")):
            raise EcerError("AUTH_CSRF")
        with request_session(request) as session:
            users.logout(session, token, principal.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
