"""The official reports download from the pages, for users who read every region only."""

import io

from docx import Document
from openpyxl import load_workbook

from tests.web.conftest import anonymous, login


def test_city_user_downloads_both_reports(sqlite_web_db):
    drc = login(sqlite_web_db, "drc")
    assert "/reports/situation?year=2024" in drc.client.get("/").text
    response = drc.client.get("/reports/situation", params={"year": 2024})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "关于2024年全市节能形势的分析报告" in text and "文号待定" in text
    sheet = load_workbook(io.BytesIO(drc.client.get("/reports/assessment?year=2024&format=xlsx").content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "永吉县" in values and "吉林市" not in values  # the 13 assessed districts, not the assessor


def test_district_users_and_anonymous_are_refused(sqlite_web_db):
    yongji = login(sqlite_web_db, "yongji")
    assert "/reports/situation" not in yongji.client.get("/").text
    assert yongji.client.get("/reports/situation?year=2024").status_code == 403
    assert yongji.client.get("/reports/assessment?year=2024&format=xlsx").status_code == 403
    response = anonymous(sqlite_web_db).get("/reports/situation?year=2024", follow_redirects=False)
    assert response.status_code in (302, 303, 307, 401)
