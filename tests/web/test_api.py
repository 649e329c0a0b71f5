"""The REST API: pages and filters, exports, errors with stable codes, upload → check → submit → review."""

from __future__ import annotations

import csv
import io

from tests.web.conftest import login

HEADER = "地区,年份,期间,\"地区生产总值(现价,亿元)\",地区生产总值指数(上年同期=100),能源消费总量(万吨标准煤)"


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _level(browser, region: str, year: int = 2024) -> str | None:
    rows = browser.client.get("/api/v1/progress", params={"year": year, "region": region}).json()["items"]
    return rows[0]["level"]


def test_lists_page_and_filter(web_db):
    api = login(web_db, "drc").client
    page = api.get("/api/v1/statistics", params={"region": "永吉县", "year": 2024, "page_size": 3}).json()
    assert page["total"] == 4 and len(page["items"]) == 3 and page["page"] == 1  # four periods of 2024
    assert {r["region"] for r in page["items"]} == {"永吉县"}
    assert isinstance(page["items"][0]["energy_10k_tce"], (int, float))  # numbers as JSON numbers
    second = api.get("/api/v1/statistics", params={"region": "永吉县", "year": 2024, "page_size": 3, "page": 2})
    assert len(second.json()["items"]) == 1


def test_every_list_exports_csv_and_xlsx(web_db):
    from openpyxl import load_workbook

    api = login(web_db, "root").client
    for path in ("/api/v1/statistics", "/api/v1/progress", "/api/v1/regions", "/api/v1/indicators",
                 "/api/v1/users", "/api/v1/audit", "/api/v1/progress/missing",
                 "/api/v1/indicators/urban_clean_heating_share/values"):
        total = api.get(path).json()["total"]
        text = api.get(path, params={"format": "csv"}).content.decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text)))) == total + 1, path
        sheet = load_workbook(io.BytesIO(api.get(path, params={"format": "xlsx"}).content)).active
        assert sheet.max_row == total + 2, path  # a title row, the header row, the rows


def test_bad_parameters_and_unknown_objects_answer_json_with_a_code(web_db):
    api = login(web_db, "drc").client
    missing = api.get("/api/v1/statistics/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    unknown = api.get("/api/v1/regions/火星区")
    assert unknown.status_code == 422 and unknown.json()["code"] == "PLAN_UNKNOWN_REGION"


def test_a_bad_workbook_lists_every_error_and_stores_nothing(web_db):
    city = login(web_db, "drc")
    before = city.client.get("/api/v1/statistics").json()["total"]
    bad = _csv("永吉县,2024,全年,abc,105,80", "火星区,2024,全年,100,105,80", "永吉县,2023,全年,100,105,-3")
    result = city.post("/api/v1/statistics/uploads", files={"file": ("bad.csv", bad, "text/csv")}).json()
    assert result["ok"] is False
    codes = sorted(p["code"] for p in result["problems"])
    assert codes == ["IMPORT_NEGATIVE_VALUE", "IMPORT_NOT_A_NUMBER", "IMPORT_UNKNOWN_REGION"]
    assert {p["row"] for p in result["problems"]} == {2, 3, 4} and result["problems"][0]["file"] == "bad.csv"
    refused = city.post(f"/api/v1/statistics/uploads/{result['upload_id']}/submit")
    assert refused.status_code == 409 and refused.json()["code"] == "UPLOAD_NOT_SUBMITTABLE"
    assert city.client.get("/api/v1/statistics").json()["total"] == before


def test_a_district_cannot_upload_for_another_district(web_db):
    district = login(web_db, "yongji")
    result = district.post("/api/v1/statistics/uploads",
                           files={"file": ("s.csv", _csv("舒兰市,2024,全年,90,104,60"), "text/csv")}).json()
    assert [p["code"] for p in result["problems"]] == ["ACCESS_DENIED"]


def test_submit_then_approve_changes_the_barometer(web_db):
    """永吉县 2024 is green in the demo data; 150 万tce instead of about 80 turns it red once approved."""
    district, city = login(web_db, "yongji"), login(web_db, "drc")
    assert _level(city, "永吉县") == "green"
    upload = district.post("/api/v1/statistics/uploads",
                           files={"file": ("yj.csv", _csv("永吉县,2024,全年,125.5,104.8,150"), "text/csv")}).json()
    assert upload["ok"] is True and upload["rows"] == 1
    submitted = district.post(f"/api/v1/statistics/uploads/{upload['upload_id']}/submit").json()
    assert (submitted["rows_added"], submitted["status"]) == (1, "submitted")
    assert _level(city, "永吉县") == "green"  # computations use the latest approved revision only
    pending = city.client.get("/api/v1/statistics", params={"status": "submitted"}).json()["items"]
    assert len(pending) == 1 and pending[0]["created_by"] == "yongji"
    no_reason = city.post(f"/api/v1/statistics/{pending[0]['id']}/review", json={"action": "return"})
    assert no_reason.json()["code"] == "REVIEW_REASON_REQUIRED"
    approved = city.post(f"/api/v1/statistics/{pending[0]['id']}/review", json={"action": "approve"}).json()
    assert (approved["status"], approved["reviewed_by"]) == ("approved", "drc")
    assert _level(city, "永吉县") == "red"
    history = city.client.get(f"/api/v1/statistics/{pending[0]['id']}/history").json()
    assert [h["status"] for h in history][-1] == "approved" and len(history) >= 2


def test_a_returned_revision_keeps_its_reason_and_is_audited(web_db):
    district, city = login(web_db, "yongji"), login(web_db, "drc")
    upload = district.post("/api/v1/statistics/uploads",
                           files={"file": ("yj.csv", _csv("永吉县,2023,全年,120,104,70"), "text/csv")}).json()
    district.post(f"/api/v1/statistics/uploads/{upload['upload_id']}/submit")
    rev = city.client.get("/api/v1/statistics", params={"status": "submitted"}).json()["items"][0]
    returned = city.post(f"/api/v1/statistics/{rev['id']}/review", json={"action": "return", "reason": "GDP 与统计公报不符"})
    assert returned.json()["return_reason"] == "GDP 与统计公报不符"
    audit = login(web_db, "root").client.get("/api/v1/audit", params={"action": "statistics.return"}).json()
    entry = audit["items"][0]
    assert entry["before"]["status"] == "submitted" and entry["after"]["status"] == "returned"
    assert entry["actor"] == "drc"


def test_template_download_is_the_statistics_workbook(web_db):
    from openpyxl import load_workbook

    body = login(web_db, "yongji").client.get("/api/v1/statistics/template.xlsx").content
    assert load_workbook(io.BytesIO(body)).sheetnames == ["说明", "统计数据"]


def test_admin_adds_a_user_through_the_api(web_db):
    admin = login(web_db, "root")
    weak = admin.post("/api/v1/users", json={"username": "x1", "password": "short", "role": "readonly"})
    assert weak.status_code == 422 and weak.json()["code"] == "PASSWORD_TOO_WEAK"
    no_region = admin.post("/api/v1/users", json={"username": "x2", "password": "Long-enough-9", "role": "district"})
    assert no_region.json()["code"] == "USER_SCOPE_REQUIRED"
    made = admin.post("/api/v1/users", json={"username": "x3", "password": "Long-enough-9", "role": "district",
                                             "region": "磐石市"})
    assert made.status_code == 201 and made.json()["region"] == "磐石市"
    assert "password" not in made.text


def test_list_totals_follow_new_and_reviewed_revisions(web_db):
    """The statistics list counts its total once per data version: every filter's total still equals
    the database's count after a submission (a new row) and after a review (a status changed in place)."""
    from sqlalchemy import func, select

    from ecer.storage.db import session_scope
    from ecer.storage.models import StatisticsRevision

    district, city = login(web_db, "yongji"), login(web_db, "drc")

    def totals() -> dict[str | None, tuple[int, int]]:
        shown = {}
        with session_scope(web_db) as session:
            for status in (None, "submitted", "approved"):
                query = select(func.count()).select_from(StatisticsRevision)
                if status is not None:
                    query = query.where(StatisticsRevision.status == status)
                params = {"status": status} if status else {}
                shown[status] = (city.client.get("/api/v1/statistics", params=params).json()["total"],
                                 session.scalar(query))
        return shown

    before = totals()
    assert all(listed == counted for listed, counted in before.values())
    upload = district.post("/api/v1/statistics/uploads",
                           files={"file": ("yj.csv", _csv("永吉县,2024,全年,125.5,104.8,150"), "text/csv")}).json()
    district.post(f"/api/v1/statistics/uploads/{upload['upload_id']}/submit")
    submitted = totals()
    assert submitted[None][0] == before[None][0] + 1 and submitted["submitted"][0] == before["submitted"][0] + 1
    pending = city.client.get("/api/v1/statistics", params={"status": "submitted"}).json()["items"][0]
    city.post(f"/api/v1/statistics/{pending['id']}/review", json={"action": "approve"})
    approved = totals()
    assert all(listed == counted for listed, counted in approved.values())
    assert approved["submitted"][0] == before["submitted"][0]
