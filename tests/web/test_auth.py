"""Login, sessions, CSRF, throttling and password rules (every route's guard: test_scope_matrix.py)."""

from __future__ import annotations

import re

import pytest

from ecer.domain.errors import EcerError
from tests.web.conftest import PASSWORD, anonymous, login


def test_public_paths_answer_without_login(sqlite_web_db):
    client = anonymous(sqlite_web_db)
    assert client.get("/api/v1/health").json()["status"] == "ok"
    assert "/api/v1/statistics" in client.get("/api/openapi.json").json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text
    assert client.get("/login").status_code == 200
    assert client.get("/static/css/ecer.css").status_code == 200


def test_login_sets_an_httponly_samesite_cookie_and_records_it(sqlite_web_db):
    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry

    browser = login(sqlite_web_db, "drc")
    me = browser.client.get("/api/v1/me").json()
    assert (me["username"], me["role"], me["role_zh"]) == ("drc", "city", "市级用户")
    with session_scope(sqlite_web_db) as s:
        assert s.query(AuditEntry).filter_by(action="login", actor="drc").count() == 1


def test_session_cookie_flags(sqlite_web_db):
    client = anonymous(sqlite_web_db)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    done = client.post("/login", data={"username": "drc", "password": PASSWORD, "csrf_token": token},
                       follow_redirects=False)
    cookie = done.headers["set-cookie"]
    assert "ecer_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_wrong_password_and_login_without_csrf_are_refused(sqlite_web_db):
    client = anonymous(sqlite_web_db)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    bad = client.post("/login", data={"username": "drc", "password": "nope-nope-1", "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.text
    forged = anonymous(sqlite_web_db).post("/login", data={"username": "drc", "password": PASSWORD,
                                                           "csrf_token": "forged"})
    assert forged.status_code == 403


def test_login_is_throttled_after_five_failures(sqlite_web_db):
    """MAX_FAILURES_PER_USER = 5 within 15 minutes: the sixth attempt is refused even with the right password."""
    client = anonymous(sqlite_web_db)
    for _ in range(5):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        assert client.post("/login", data={"username": "viewer", "password": "wrong-pass-1",
                                           "csrf_token": token}).status_code == 401
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    last = client.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token})
    assert last.status_code == 429


def test_changes_need_the_session_csrf_token(sqlite_web_db):
    browser = login(sqlite_web_db, "drc")
    refused = browser.client.post("/api/v1/statistics/1/review", json={"action": "approve"})
    assert refused.status_code == 403 and refused.json()["code"] == "AUTH_CSRF"


def test_logout_ends_the_session(sqlite_web_db):
    browser = login(sqlite_web_db, "drc")
    browser.client.post("/logout", data={"csrf_token": browser.csrf}, follow_redirects=False)
    assert browser.client.get("/api/v1/me").status_code == 401


def test_open_redirect_after_login_is_refused(sqlite_web_db):
    client = anonymous(sqlite_web_db)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    done = client.post("/login", data={"username": "drc", "password": PASSWORD, "csrf_token": token,
                                       "next": "//evil.example/"}, follow_redirects=False)
    assert done.headers["location"] == "/"


@pytest.mark.parametrize(("password", "reason"), [
    ("short1", "至少 10 个字符"), ("onlyletterslong", "至少两类"), ("drc-is-my-name-1", "不得包含用户名"),
])
def test_password_rules(password, reason):
    from ecer.services.users import check_password_rules

    with pytest.raises(EcerError) as caught:
        check_password_rules(password, "drc")
    assert caught.value.code == "PASSWORD_TOO_WEAK" and reason in caught.value.problems[0].detail


def test_random_passwords_meet_the_rules():
    from ecer.services.users import password_problems, random_password

    assert all(password_problems(random_password()) == [] for _ in range(50))


def test_passwords_are_stored_as_argon2id(sqlite_web_db):
    from ecer.storage.db import session_scope
    from ecer.storage.users import by_username

    with session_scope(sqlite_web_db) as s:
        assert by_username(s, "drc").password_hash.startswith("$argon2id$")
