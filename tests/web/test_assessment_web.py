"""考核评价 in the web application: the workflow through the API and the pages, scoped and audited.

district self-assesses its own region and submits → city reviews and finishes → district appeals →
city decides → city publishes (frozen); other districts, read-only and enterprise users are refused.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

from tests.conftest import run_cli
from tests.web.conftest import login

YEAR = 2024
OWN, OTHER = "永吉县", "舒兰市"
API = "/api/v1/assessment"


def _item(detail: dict, code: str) -> dict:
    return next(i for i in detail["items"] if i["code"] == code)


def _audit_actions(url: str) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from ecer.storage.db import session_scope
    from ecer.storage.models import AuditEntry

    with session_scope(url) as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action.like("assessment.%")).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.target) for e in rows]


def test_whole_workflow_through_the_api_and_pages(web_db):
    yongji, drc = login(web_db, "yongji"), login(web_db, "drc")
    listed = yongji.client.get(API, params={"year": YEAR}).json()
    assert [r["region"] for r in listed["items"]] == [OWN] and listed["items"][0]["state"] == "self"
    start = yongji.client.get(f"{API}/{OWN}", params={"year": YEAR}).json()
    assert start["actions"] == ["self", "submit"] and _item(start, "organisation")["points"] == 0

    done = yongji.post(f"{API}/{OWN}/self", json={"year": YEAR, "item": "organisation", "points": 5,
                                                  "comment": "成立节能工作领导小组"})
    assert done.status_code == 200, done.text
    item = _item(done.json(), "organisation")
    assert (item["self_points"], item["points"], item["source"]) == (5, 5, "self")
    too_many = yongji.post(f"{API}/{OWN}/self", json={"year": YEAR, "item": "organisation", "points": 7})
    assert too_many.status_code == 422 and too_many.json()["code"] == "ASSESS_POINTS_OUT_OF_RANGE"
    early = drc.post(f"{API}/{OWN}/review", json={"year": YEAR, "item": "organisation", "points": 4})
    assert early.status_code == 409 and early.json()["code"] == "ASSESS_SELF_FIRST"

    assert yongji.post(f"{API}/{OWN}/submit", json={"year": YEAR}).json()["state"] == "submitted"
    again = yongji.post(f"{API}/{OWN}/self", json={"year": YEAR, "item": "organisation", "points": 6})
    assert again.status_code == 409 and again.json()["code"] == "ASSESS_BAD_TRANSITION"
    refused = yongji.post(f"{API}/{OWN}/review", json={"year": YEAR, "item": "organisation", "points": 6})
    assert refused.status_code == 403 and refused.json()["code"] == "ACCESS_DENIED"

    reviewed = drc.post(f"{API}/{OWN}/review", json={"year": YEAR, "item": "organisation", "points": 4,
                                                     "comment": "会议纪要不全"}).json()
    assert (_item(reviewed, "organisation")["points"], _item(reviewed, "organisation")["source"]) == (4, "review")
    after_review = drc.post(f"{API}/{OWN}/finish-review", json={"year": YEAR}).json()
    assert after_review["state"] == "reviewed" and after_review["status"] == "reviewed"
    assert "appeal" in yongji.client.get(f"{API}/{OWN}", params={"year": YEAR}).json()["actions"]

    blank = yongji.post(f"{API}/{OWN}/appeals", json={"year": YEAR, "item": "organisation", "reason": "  "})
    assert blank.status_code == 422 and blank.json()["code"] == "ASSESS_REASON_REQUIRED"
    filed = yongji.post(f"{API}/{OWN}/appeals", json={"year": YEAR, "item": "organisation",
                                                      "reason": "已补交全年会议纪要"})
    assert filed.status_code == 201
    appeal_id = filed.json()["appeal_id"]
    pending = drc.post(f"{API}/{OWN}/publish", json={"year": YEAR})
    assert pending.status_code == 409 and pending.json()["code"] == "ASSESS_APPEAL_PENDING"
    assert yongji.post(f"{API}/appeals/{appeal_id}/decide",
                       json={"decision": "upheld", "reason": "x", "points": 6}).status_code == 403

    decided = drc.post(f"{API}/appeals/{appeal_id}/decide", json={"decision": "upheld", "reason": "纪要齐全",
                                                                  "points": 6})
    assert decided.status_code == 200 and decided.json()["region"] == OWN
    detail = drc.client.get(f"{API}/{OWN}", params={"year": YEAR}).json()
    assert _item(detail, "organisation")["points"] == 6
    assert Decimal(str(detail["score"])) - Decimal(str(after_review["score"])) == 2
    assert detail["appeals"][0]["decision"] == "upheld" and detail["state"] == "reviewed"

    assert login(web_db, "viewer").post(f"{API}/{OWN}/publish", json={"year": YEAR}).status_code == 403
    published = drc.post(f"{API}/{OWN}/publish", json={"year": YEAR})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["score"] == detail["score"]
    frozen = yongji.post(f"{API}/{OWN}/appeals", json={"year": YEAR, "reason": "再次申诉"})
    assert frozen.status_code == 409 and frozen.json()["code"] == "ASSESS_PUBLISHED"

    row = next(r for r in drc.client.get(API, params={"year": YEAR}).json()["items"] if r["region"] == OWN)
    assert row["state"] == "published" and row["score"] == detail["score"]
    page = yongji.client.get("/assessment", params={"year": YEAR})
    assert page.status_code == 200 and OWN in page.text and "已公布" in page.text and OTHER not in page.text
    region_page = yongji.client.get(f"/assessment/{OWN}", params={"year": YEAR}).text
    assert "纪要齐全" in region_page and "已补交全年会议纪要" in region_page and 'action="/assessment/' not in region_page

    assert _audit_actions(web_db) == [
        ("yongji", "assessment.self", f"energy-2021/year/{YEAR}/{OWN}"),
        ("yongji", "assessment.self.submit", f"energy-2021/year/{YEAR}/{OWN}"),
        ("drc", "assessment.review", f"energy-2021/year/{YEAR}/{OWN}"),
        ("drc", "assessment.reviewed", f"energy-2021/year/{YEAR}/{OWN}"),
        ("yongji", "assessment.appeal", f"energy-2021/year/{YEAR}/{OWN}"),
        ("drc", "assessment.decide", f"energy-2021/year/{YEAR}/{OWN}"),
        ("drc", "assessment.publish", f"energy-2021/year/{YEAR}/{OWN}"),
    ]
    assert run_cli("audit", "verify", env={"ECER_DATABASE_URL": web_db}).exit_code == 0


def test_the_page_forms_carry_csrf_and_evidence(sqlite_web_db):
    yongji = login(sqlite_web_db, "yongji")
    page = yongji.client.get(f"/assessment/{OWN}", params={"year": YEAR}).text
    assert 'id="self-form"' in page and 'name="csrf_token"' in page and "提交自评" in page
    form = {"year": str(YEAR), "item": "technology", "points": "4.5", "comment": "推广高效电机"}
    content = "节能技术推广清单".encode()
    without = yongji.client.post(f"/assessment/{OWN}/self", data=form, follow_redirects=False,
                                 files={"evidence": ("清单.txt", content, "text/plain")})
    assert without.status_code == 403
    sent = yongji.client.post(f"/assessment/{OWN}/self", data={**form, "csrf_token": yongji.csrf},
                              files={"evidence": ("清单.txt", content, "text/plain")}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/assessment/")
    item = _item(yongji.client.get(f"{API}/{OWN}", params={"year": YEAR}).json(), "technology")
    assert item["self_points"] == 4.5 and item["self_comment"] == "推广高效电机"
    [evidence] = item["evidence"]
    assert evidence["sha256"] == hashlib.sha256(content).hexdigest() and evidence["file_name"] == "清单.txt"
    download = yongji.client.get(f"{API}/evidence/{evidence['id']}")
    assert download.status_code == 200 and download.content == content
    assert login(sqlite_web_db, "shulan").client.get(f"{API}/evidence/{evidence['id']}").status_code == 404
    assert "清单.txt" in yongji.client.get(f"/assessment/{OWN}", params={"year": YEAR}).text

    yongji.client.post(f"/assessment/{OWN}/submit", data={"year": str(YEAR), "csrf_token": yongji.csrf})
    drc = login(sqlite_web_db, "drc")
    review_page = drc.client.get(f"/assessment/{OWN}", params={"year": YEAR}).text
    assert 'id="review-form"' in review_page and "审核完成" in review_page and 'id="self-form"' not in review_page
    drc.client.post(f"/assessment/{OWN}/finish-review", data={"year": str(YEAR), "csrf_token": drc.csrf})
    no_reason = yongji.client.post(f"/assessment/{OWN}/appeal", data={"year": str(YEAR), "reason": "",
                                                                      "csrf_token": yongji.csrf})
    assert no_reason.status_code == 422 and "理由" in no_reason.text
    appeal_page = yongji.client.get(f"/assessment/{OWN}", params={"year": YEAR}).text
    assert 'id="appeal-form"' in appeal_page and re.search(r'name="reason"[^>]*required', appeal_page)


def test_a_district_user_is_refused_another_region(sqlite_web_db):
    from ecer.storage import assessment as store
    from ecer.storage.db import session_scope

    yongji = login(sqlite_web_db, "yongji")
    assert OTHER not in yongji.client.get(API, params={"year": YEAR}).text
    for response in (
        yongji.client.get(f"{API}/{OTHER}", params={"year": YEAR}),
        yongji.post(f"{API}/{OTHER}/self", json={"year": YEAR, "item": "organisation", "points": 5}),
        yongji.post(f"{API}/{OTHER}/submit", json={"year": YEAR}),
        yongji.post(f"{API}/{OTHER}/appeals", json={"year": YEAR, "reason": "不服"}),
        yongji.post(f"{API}/{OTHER}/finish-review", json={"year": YEAR}),
        yongji.post(f"{API}/{OTHER}/publish", json={"year": YEAR}),
    ):
        assert response.status_code == 403 and response.json()["code"] == "ACCESS_DENIED", response.text
    page = yongji.client.get(f"/assessment/{OTHER}", params={"year": YEAR})
    assert page.status_code == 403 and "无权" in page.text
    form = yongji.client.post(f"/assessment/{OTHER}/submit", data={"year": str(YEAR), "csrf_token": yongji.csrf})
    assert form.status_code == 403
    with session_scope(sqlite_web_db) as s:  # refused before the workflow: nothing was created
        assert store.find(s, rubric_id="energy-2021", region=OTHER, year=YEAR, scope="year") is None
    assert _audit_actions(sqlite_web_db) == []


def test_a_readonly_user_reads_every_region_but_cannot_act(sqlite_web_db):
    viewer = login(sqlite_web_db, "viewer")
    rows = viewer.client.get(API, params={"year": YEAR, "page_size": 100}).json()
    assert rows["total"] == 13 and "吉林市" not in {r["region"] for r in rows["items"]}
    assert [r["rank"] for r in rows["items"]] == sorted(r["rank"] for r in rows["items"])
    assert viewer.client.get(f"{API}/{OTHER}", params={"year": YEAR}).json()["actions"] == []
    for path, body in ((f"{OTHER}/self", {"year": YEAR, "item": "organisation", "points": 5}),
                       (f"{OTHER}/submit", {"year": YEAR}),
                       (f"{OTHER}/review", {"year": YEAR, "item": "organisation", "points": 5}),
                       (f"{OTHER}/finish-review", {"year": YEAR}),
                       (f"{OTHER}/appeals", {"year": YEAR, "reason": "不服"}),
                       ("appeals/1/decide", {"decision": "rejected", "reason": "无"}),
                       (f"{OTHER}/publish", {"year": YEAR})):
        response = viewer.post(f"{API}/{path}", json=body)
        assert response.status_code == 403 and response.json()["code"] == "ACCESS_DENIED", path
    page = viewer.client.get(f"/assessment/{OTHER}", params={"year": YEAR}).text
    assert "各项得分" in page and 'action="/assessment/' not in page
    listing = viewer.client.get("/assessment", params={"year": YEAR}).text
    assert listing.count('href="/assessment/') == 13 and "/reports/assessment?year=2024" in listing


def test_an_enterprise_user_is_refused(sqlite_web_db):
    plant = login(sqlite_web_db, "plant")
    response = plant.client.get(API, params={"year": YEAR})
    assert response.status_code == 403 and response.json()["code"] == "ACCESS_DENIED"
    assert plant.client.get(f"{API}/{OWN}", params={"year": YEAR}).status_code == 403
    assert plant.client.get("/assessment").status_code == 403
    assert plant.post(f"{API}/{OWN}/self", json={"year": YEAR, "item": "organisation", "points": 5}).status_code == 403
    assert 'href="/assessment"' not in plant.client.get("/").text
