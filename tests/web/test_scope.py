"""Scope on the server, for every endpoint: a district user reads its own region and the city summary only.

永吉县's user asks every route for 舒兰市's data (as a path or query parameter) and for lists that
could contain it; 舒兰市 must never appear, and changes to 舒兰市's data are refused.
"""

from __future__ import annotations

import re

from tests.web.conftest import app_routes, login

OTHER = "舒兰市"
PUBLIC = {"/api/docs", "/api/openapi.json", "/api/v1/health", "/login", "/logout"}
OWN_AUTH_PREFIXES = ("/api/v1/energy/",)  # gateway tokens (issue 4), tested there


def _other_revision(url: str) -> int:
    from sqlalchemy import select

    from ecer.storage.db import session_scope
    from ecer.storage.models import StatisticsRevision

    with session_scope(url) as s:
        return s.scalars(select(StatisticsRevision.id).where(StatisticsRevision.region == OTHER)).first()


def test_district_user_cannot_read_or_change_another_district(web_db):
    browser = login(web_db, "yongji")
    other_id = _other_revision(web_db)
    values = {"region": OTHER, "name": OTHER, "revision_id": str(other_id), "indicator_id": "urban_clean_heating_share",
              "upload_id": "1"}
    checked = 0
    for method, path in app_routes(browser.client.app):
        if path in PUBLIC or path.startswith(("/static", *OWN_AUTH_PREFIXES)):
            continue
        concrete = re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "1"), path)
        if method == "GET":
            response = browser.client.get(concrete, params={"region": OTHER} if "{" not in path else None)
            if response.status_code == 200:
                assert OTHER not in response.text, (method, path)
            else:  # refused, or a required parameter of that route is missing (422 echoes only the request)
                assert response.status_code in (403, 404, 422), (method, path, response.status_code)
            listed = browser.client.get(concrete)  # without the filter: lists hold only readable rows
            assert listed.status_code in (200, 403, 404) and (listed.status_code != 200 or OTHER not in listed.text), path
        else:
            response = browser.post(concrete, json={"action": "approve"}, data=None)
            assert response.status_code in (403, 404, 422), (method, path, response.status_code)
        checked += 1
    assert checked >= 20
    # the revision of the other district is untouched
    from ecer.storage.db import session_scope
    from ecer.storage.models import StatisticsRevision

    with session_scope(web_db) as s:
        assert s.get(StatisticsRevision, other_id).status == "approved"


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
