"""API tokens of machine clients, managed on 系统管理: scopes, show-once, revocation, expiry, audit.

A region token reads its region (and the city summary) and nothing else, a city token reads
everything; neither may change anything. Unit tokens (enterprise gateways) are tested with the
ingestion API in test_energy_meters_api.py; every scope across every route in test_scope_matrix.py.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from ecer.storage.db import session_scope
from ecer.storage.key_units import ApiToken
from ecer.storage.models import AuditEntry
from tests.conftest import run_cli
from tests.web.conftest import Browser, anonymous, login

OWN, OTHER = "永吉县", "舒兰市"


def _create(admin: Browser, **form: str) -> tuple[int, str]:
    """Create through the page; returns (token id, clear text) read from the answer."""
    page = admin.post("/admin/tokens", data=form)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    token_id = int(re.search(r"已创建令牌 (\d+)", page.text).group(1))
    return token_id, re.search(r'id="new-token-value">([^<]+)<', page.text).group(1)


def _bearer(url: str, token: str) -> TestClient:
    client = anonymous(url)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _other_revision(url: str) -> int:
    from ecer.storage.models import StatisticsRevision

    with session_scope(url) as s:
        return s.scalars(select(StatisticsRevision.id).where(StatisticsRevision.region == OTHER)).first()


def test_admin_creates_a_region_token_shown_once_that_reads_only_its_region(web_db):
    admin = login(web_db, "root")
    token_id, token = _create(admin, label="永吉县发改局系统", scope="region", region=OWN, expires="")
    assert token.startswith("ecer_")
    listed = admin.client.get("/admin")
    assert token not in listed.text and "永吉县发改局系统" in listed.text and "从未使用" in listed.text

    client = _bearer(web_db, token)
    me = client.get("/api/v1/me").json()
    assert (me["role"], me["region"]) == ("district", OWN)
    assert {r["region"] for r in client.get("/api/v1/progress").json()["items"]} == {"吉林市", OWN}
    assert client.get(f"/api/v1/regions/{OWN}").status_code == 200
    assert client.get(f"/api/v1/regions/{OTHER}").status_code == 403
    assert client.get(f"/regions/{OTHER}").status_code == 403
    # read-only: no change, not even one its region's district user could make
    own_upload = client.post("/api/v1/statistics/uploads", files={"file": ("a.csv", b"x", "text/csv")})
    assert own_upload.status_code == 403 and own_upload.json()["code"] == "ACCESS_DENIED"
    review = client.post(f"/api/v1/statistics/{_other_revision(web_db)}/review", json={"action": "approve"})
    assert review.status_code == 403
    gateway = client.post("/api/v1/energy/meters", json={"credit_code": "91220200MA0HCD001G", "meters": []})
    assert gateway.status_code == 403 and gateway.json()["detail"]["code"] == "TOKEN_SCOPE"
    assert client.get("/admin").status_code == 403

    with session_scope(web_db) as s:
        record = s.get(ApiToken, token_id)
        assert (record.scope, record.region, record.created_by) == ("region", OWN, "root")
        assert record.last_used_at is not None and token not in record.token_hash
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tokens.create")).one()
        assert (entry.actor, entry.detail["scope"], entry.detail["region"]) == ("root", "region", OWN)
        for e in s.scalars(select(AuditEntry)):  # neither the secret nor its hash is ever logged
            assert token not in str((e.target, e.detail, e.before, e.after))
            assert record.token_hash not in str((e.target, e.detail, e.before, e.after))


def test_revoked_token_gets_401_at_once_and_the_revocation_is_audited(sqlite_web_db):
    web_db = sqlite_web_db
    admin = login(web_db, "root")
    token_id, token = _create(admin, label="省平台", scope="city", expires="2099-12-31")
    client = _bearer(web_db, token)
    assert client.get("/api/v1/statistics").status_code == 200
    page = admin.post(f"/admin/tokens/{token_id}/revoke")
    assert page.status_code == 200 and "已吊销" in page.text
    refused = client.get("/api/v1/statistics")
    assert refused.status_code == 401 and refused.json()["code"] == "AUTH_REQUIRED"
    assert client.get("/", follow_redirects=False).status_code == 303
    with session_scope(web_db) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "tokens.revoke")).one()
        assert (entry.actor, entry.target) == ("root", str(token_id))
        assert s.get(ApiToken, token_id).revoked_by == "root"


def test_city_token_reads_every_region_and_changes_nothing(sqlite_web_db):
    admin = login(sqlite_web_db, "root")
    _id, token = _create(admin, label="省平台", scope="city", expires="")
    client = _bearer(sqlite_web_db, token)
    regions = {r["region"] for r in client.get("/api/v1/progress").json()["items"]}
    assert {OWN, OTHER, "吉林市"} <= regions
    assert client.get(f"/api/v1/regions/{OTHER}").status_code == 200
    assert client.get("/api/v1/units").json()["total"] > 0
    rev = _other_revision(sqlite_web_db)
    for path, body in ((f"/api/v1/statistics/{rev}/review", {"action": "return", "reason": "x"}),
                       ("/api/v1/users", {"username": "x", "password": "Long-pass-123", "role": "city"})):
        refused = client.post(path, json=body)
        assert refused.status_code == 403 and refused.json()["code"] == "ACCESS_DENIED", path
    assert client.get("/api/v1/users").status_code == 403 and client.get("/admin").status_code == 403
    with session_scope(sqlite_web_db) as s:
        from ecer.storage.models import StatisticsRevision

        assert s.get(StatisticsRevision, rev).status == "approved"


def test_expired_token_is_refused(sqlite_web_db):
    admin = login(sqlite_web_db, "root")
    token_id, token = _create(admin, label="临时", scope="city", expires="2099-01-01")
    client = _bearer(sqlite_web_db, token)
    assert client.get("/api/v1/plan").status_code == 200
    with session_scope(sqlite_web_db) as s:
        s.get(ApiToken, token_id).expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert client.get("/api/v1/plan").status_code == 401
    assert "已过期" in admin.client.get("/admin").text


def test_bad_token_forms_are_refused_with_the_reason(sqlite_web_db):
    admin = login(sqlite_web_db, "root")
    for form, reason in (({"scope": "unit"}, "单位令牌须指定单位"), ({"scope": "region", "region": "吉林市"}, "全市"),
                         ({"scope": "everything"}, "令牌范围无效"),
                         ({"scope": "city", "expires": "2001-01-01"}, "有效期须晚于现在")):
        page = admin.post("/admin/tokens", data={"label": "x", **form})
        assert page.status_code == 422, form
        assert reason in page.text, form
    with session_scope(sqlite_web_db) as s:
        assert s.scalars(select(ApiToken)).all() == []


def test_only_administrators_see_and_manage_tokens(sqlite_web_db):
    admin = login(sqlite_web_db, "root")
    token_id, token = _create(admin, label="网关", scope="unit", credit_code="91220200MA0HCD001G", expires="")
    for user in ("drc", "yongji", "plant", "viewer"):
        browser = login(sqlite_web_db, user)
        assert browser.client.get("/admin").status_code == 403, user
        made = browser.post("/admin/tokens", data={"label": "x", "scope": "city"})
        assert made.status_code == 403, user
        assert browser.post(f"/admin/tokens/{token_id}/revoke").status_code == 403, user
    # an administrator's form without the session's CSRF token is refused too
    forged = admin.client.post("/admin/tokens", data={"label": "x", "scope": "city"})
    assert forged.status_code == 403
    with session_scope(sqlite_web_db) as s:
        assert [(t.id, t.revoked_at) for t in s.scalars(select(ApiToken))] == [(token_id, None)]
    assert _bearer(sqlite_web_db, token).get("/api/v1/me").json()["role"] == "enterprise"


def test_cli_creates_every_scope_and_keeps_its_json_keys(sqlite_web_db):
    env = {"ECER_DATABASE_URL": sqlite_web_db}
    unit = run_cli("tokens", "create", "91220200MA0HCD001G", "--label", "网关", "--json", env=env).json()[0]
    assert {"id", "credit_code", "label", "token"} <= set(unit) and unit["scope"] == "unit"
    region = run_cli("tokens", "create", "--region", OWN, "--label", "区县", "--expires", "2099-06-30",
                     "--json", env=env).json()[0]
    assert (region["scope"], region["region"], region["credit_code"]) == ("region", OWN, None)
    both = run_cli("tokens", "create", "91220200MA0HCD001G", "--city", env=env)
    assert both.exit_code == 1 and "TOKEN_BAD_SCOPE" in both.stdout + both.stderr
    listed = {r["id"]: r for r in run_cli("tokens", "list", "--json", env=env).json()}
    assert listed[region["id"]]["valid_until"] == "2099-06-30" and listed[unit["id"]]["valid_until"] is None
    assert all("token" not in r and "token_hash" not in r for r in listed.values())
    assert _bearer(sqlite_web_db, region["token"]).get("/api/v1/me").json()["region"] == OWN


def test_gateway_tokens_made_before_scopes_keep_working(database_url):
    """Migration 0010 on a database holding a token of 0009: it becomes a unit token of its unit (and expires
    when told to, compared in the database on both engines)."""
    from alembic import command
    from sqlalchemy import text

    from ecer.storage.db import alembic_config, engine_for, upgrade
    from ecer.storage.meter_data import hash_token
    from ecer.web.tokens import principal_for_token

    config = alembic_config(database_url)
    with engine_for(database_url).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
        conn.execute(text("INSERT INTO key_units (id, credit_code, name, industry_code, industry_name, region, "
                          "created_by, created_at) VALUES (5, '91220200MA0HCD005W', '化纤', 'C2821', '化纤', '经开区', "
                          "'t', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO api_tokens (token_hash, unit_id, label, created_by, created_at) "
                          "VALUES (:h, 5, '旧网关', 't', CURRENT_TIMESTAMP)"), {"h": hash_token("ecer_old-token")})
    upgrade(database_url)
    with session_scope(database_url) as s:
        record = s.scalars(select(ApiToken)).one()
        assert (record.scope, record.unit_id, record.region, record.expires_at) == ("unit", 5, None, None)
        principal = principal_for_token(s, "ecer_old-token")
        assert (principal.role, principal.unit_id, principal.region, principal.read_only) == (
            "enterprise", 5, "经开区", False)
        record.expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    with session_scope(database_url) as s:
        assert principal_for_token(s, "ecer_old-token") is not None
        s.scalars(select(ApiToken)).one().expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with session_scope(database_url) as s:
        assert principal_for_token(s, "ecer_old-token") is None  # expired


def test_token_creation_redirects_and_a_reload_neither_repeats_nor_shows_it_again(sqlite_web_db):
    admin = login(sqlite_web_db, "root")
    before = len(run_cli("tokens", "list", "--json", env={"ECER_DATABASE_URL": sqlite_web_db}).json())
    answer = admin.post("/admin/tokens", data={"label": "重载测试", "scope": "city"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/admin?created=")
    shown = admin.client.get(answer.headers["location"])
    assert shown.headers["cache-control"] == "no-store"
    token = re.search(r'id="new-token-value">([^<]+)<', shown.text).group(1)
    assert token.startswith("ecer_")
    reloaded = admin.client.get(answer.headers["location"])  # what a reload of the page does now
    assert "new-token-value" not in reloaded.text and token not in reloaded.text
    after = run_cli("tokens", "list", "--json", env={"ECER_DATABASE_URL": sqlite_web_db}).json()
    assert len(after) == before + 1
