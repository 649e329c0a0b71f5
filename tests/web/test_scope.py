"""Scope on the server: a district user reads its own region and the city summary only.

The walk over every route (永吉县's user asking for 舒兰市, the enterprise user for another unit,
API tokens of each scope, anonymous requests) is tests/web/test_scope_matrix.py; these are the
pointed cases.
"""

from __future__ import annotations

from tests.web.conftest import login

OTHER = "舒兰市"


def _other_revision(url: str) -> int:
    from sqlalchemy import select

    from ecer.storage.db import session_scope
    from ecer.storage.models import StatisticsRevision

    with session_scope(url) as s:
        return s.scalars(select(StatisticsRevision.id).where(StatisticsRevision.region == OTHER)).first()


def test_district_user_sees_its_region_and_the_city_summary(web_db):
    browser = login(web_db, "yongji")
    regions = {r["region"] for r in browser.client.get("/api/v1/progress").json()["items"]}
    assert regions == {"吉林市", "永吉县"}
    assert browser.client.get("/regions/永吉县").status_code == 200
    refused = browser.client.get(f"/regions/{OTHER}")
    assert refused.status_code == 403 and "无权" in refused.text


def test_enterprise_user_reads_the_plan_but_no_region(web_db):
    browser = login(web_db, "plant")
    assert browser.client.get("/api/v1/plan").status_code == 200
    assert browser.client.get("/api/v1/progress").json()["items"] == []
    assert browser.client.get("/api/v1/statistics").json()["total"] == 0
    assert browser.client.get("/api/v1/regions/永吉县").status_code == 403


def test_only_administrators_manage_users_and_read_the_audit_log(web_db):
    for user in ("drc", "yongji", "viewer"):
        browser = login(web_db, user)
        assert browser.client.get("/api/v1/users").status_code == 403
        assert browser.client.get("/api/v1/audit").status_code == 403
        assert browser.client.get("/admin").status_code == 403
    assert login(web_db, "root").client.get("/api/v1/audit").status_code == 200


def test_readonly_and_district_users_cannot_review(web_db):
    rev = _other_revision(web_db)
    for user in ("viewer", "shulan"):
        response = login(web_db, user).post(f"/api/v1/statistics/{rev}/review", json={"action": "return",
                                                                                   "reason": "x"})
        assert response.status_code == 403 and response.json()["code"] == "ACCESS_DENIED"
