"""List exports: XLSX for people (Chinese titles with units, number formats, frozen header, title row),
CSV for programs (snake_case headers unless ``?headers=zh``), and the reader's scope in both."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel

from tests.web.conftest import anonymous, app_routes, login

CJK = re.compile(r"[\u4e00-\u9fff]")
BEIJING = dt.timezone(dt.timedelta(hours=8))
# Lists every reader of these tests may export; the walk below finds all of them and more.
KNOWN_LISTS = {"/api/v1/statistics", "/api/v1/progress", "/api/v1/progress/missing", "/api/v1/regions",
               "/api/v1/indicators", "/api/v1/indicators/{indicator_id}/values", "/api/v1/units", "/api/v1/twohigh",
               "/api/v1/budgets", "/api/v1/monitoring/sources", "/api/v1/monitoring/readings",
               "/api/v1/monitoring/alarms", "/api/v1/emissions/projects", "/api/v1/emissions/progress",
               "/api/v1/environment/air", "/api/v1/environment/water", "/api/v1/users", "/api/v1/audit"}


def _sheet(client, path: str, **params):  # type: ignore[no-untyped-def]
    response = client.get(path, params={**params, "format": "xlsx"})
    assert response.status_code == 200, response.text
    return load_workbook(io.BytesIO(response.content)).active


def _table(sheet) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Rows under the header (row 2), keyed by header."""
    headers = [c.value for c in sheet[2]]
    return [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=3, values_only=True)]


def _first_row(content: bytes) -> dict[str, str]:
    return next(iter(csv.DictReader(io.StringIO(content.decode("utf-8-sig")))))


def _as_beijing(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite gives stored UTC back naive
    return value.astimezone(BEIJING).replace(tzinfo=None)


def test_xlsx_has_titles_units_number_formats_and_a_frozen_header(web_db):
    api = login(web_db, "drc").client
    query = {"region": "永吉县", "year": 2024}
    items = api.get("/api/v1/statistics", params=query).json()["items"]
    sheet = _sheet(api, "/api/v1/statistics", **query)
    title = sheet["A1"].value
    assert title.startswith("统计数据修订") and "地区：永吉县" in title and "年份：2024" in title and "导出时间" in title
    headers = [c.value for c in sheet[2]]
    assert "能源消费总量（万吨标准煤）" in headers and "地区生产总值（现价）（亿元）" in headers
    assert all(CJK.search(h) for h in headers), headers  # no snake_case left
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row == 2 + len(items) == 6  # four periods of 2024
    energy = headers.index("能源消费总量（万吨标准煤）") + 1
    year = headers.index("年份") + 1
    created = headers.index("报送时间") + 1
    for index, item in enumerate(items, start=3):
        cell = sheet.cell(index, energy)
        assert cell.data_type == "n" and cell.value == pytest.approx(item["energy_10k_tce"])
        assert cell.number_format == "#,##0.00"
        assert sheet.cell(index, year).value == 2024 and sheet.cell(index, year).number_format == "0"
        stamp = sheet.cell(index, created)
        assert stamp.is_date and stamp.number_format == "yyyy-mm-dd hh:mm:ss"
        assert abs(stamp.value - _as_beijing(item["created_at"])) < dt.timedelta(seconds=1)  # Beijing time
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[2]]
    assert all(8 <= w <= 50 for w in widths)


def test_fractions_are_exported_as_numbers_shown_as_percentages(sqlite_web_db):
    api = login(sqlite_web_db, "drc").client
    items = api.get("/api/v1/progress", params={"year": 2024, "page_size": 500}).json()["items"]
    rows = _table(sheet := _sheet(api, "/api/v1/progress", year=2024))
    assert sheet["A1"].value.startswith("2024年全年能耗双控晴雨表")
    assert [r["地区"] for r in rows] == [i["region"] for i in items]
    column = [c.value for c in sheet[2]].index("“十四五”以来能耗强度累计降低") + 1
    for index, item in enumerate(items, start=3):
        cell = sheet.cell(index, column)
        if item["cumulative_reduction"] is None:
            assert cell.value is None
            continue
        assert cell.data_type == "n" and cell.value == pytest.approx(item["cumulative_reduction"])
        assert cell.number_format == "0.00%"
    assert {r["达到基本目标"] for r in rows} <= {"是", "否", None}
    shown = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色", None: None}  # codes as the pages show them
    assert [r["预警等级"] for r in rows] == [shown[i["level"]] for i in items]
    text = api.get("/api/v1/progress", params={"year": 2024, "format": "csv"}).content.decode("utf-8-sig")
    assert [r["level"] for r in csv.DictReader(io.StringIO(text))] == [i["level"] or "" for i in items]  # CSV: codes


def _list_endpoints(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """GET path → item schema name, for every route answering a ``Page`` (found from the OpenAPI spec)."""
    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    found = {}
    for method, path in app_routes(app):
        operation = spec["paths"].get(path, {}).get(method.lower())
        if method != "GET" or operation is None:
            continue
        ref = operation["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
        page = schemas.get(ref.get("$ref", "").rsplit("/", 1)[-1], {})
        if set(page.get("properties", {})) == {"items", "total", "page", "page_size"}:
            found[path] = page["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]
    return found


def test_every_list_item_field_has_a_chinese_title_in_the_openapi_docs(sqlite_web_db):
    from ecer.web.app import create_app

    app = create_app(sqlite_web_db)
    lists = _list_endpoints(app)
    assert KNOWN_LISTS <= set(lists), KNOWN_LISTS - set(lists)
    schemas = app.openapi()["components"]["schemas"]
    untitled = []
    for path, schema in sorted(lists.items()):
        for field, prop in schemas[schema]["properties"].items():
            if not CJK.search(prop.get("title", "")):
                untitled.append(f"{path} {schema}.{field}")
    assert untitled == []
    energy = schemas["StatisticsOut"]["properties"]["energy_10k_tce"]
    assert energy["title"] == "能源消费总量" and energy["x-unit"] == "万吨标准煤" and energy["x-format"] == "#,##0.00"
    created = schemas["StatisticsOut"]["properties"]["created_at"]
    assert created["format"] == "date-time"  # the JSON Schema keyword keeps its meaning


def test_csv_keeps_field_names_by_default_and_gives_chinese_headers_on_request(sqlite_web_db):
    from ecer.web.api.key_units import UnitOut

    api = login(sqlite_web_db, "drc").client
    plain = api.get("/api/v1/units", params={"format": "csv"}).content
    chinese = api.get("/api/v1/units", params={"format": "csv", "headers": "zh"}).content
    assert plain.startswith(b"\xef\xbb\xbf") and chinese.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM
    plain_rows = list(csv.reader(io.StringIO(plain.decode("utf-8-sig"))))
    chinese_rows = list(csv.reader(io.StringIO(chinese.decode("utf-8-sig"))))
    assert plain_rows[0] == list(UnitOut.model_fields)
    assert chinese_rows[0][:3] == ["单位编号", "统一社会信用代码", "单位名称"]
    assert "综合能源消费量（当量值）（吨标准煤）" in chinese_rows[0]
    assert chinese_rows[1:] == plain_rows[1:] and len(plain_rows) > 1  # same values, only the header differs
    refused = api.get("/api/v1/units", params={"format": "csv", "headers": "fr"})
    assert refused.status_code == 422


def test_exports_hold_only_the_readers_rows(web_db):
    """A district user's exports hold its own region (and the city summary), never another district's."""
    district, city = login(web_db, "yongji").client, login(web_db, "drc").client
    for path in ("/api/v1/statistics", "/api/v1/progress", "/api/v1/regions", "/api/v1/emissions/progress"):
        total = district.get(path).json()["total"]
        rows = _table(_sheet(district, path))
        assert len(rows) == total < city.get(path).json()["total"], path
        regions = {r.get("地区") for r in rows} - {None}
        assert "永吉县" in regions and regions <= {"永吉县", "吉林市"}, (path, regions)
        text = district.get(path, params={"format": "csv", "headers": "zh"}).content.decode("utf-8-sig")
        assert "舒兰市" not in text and len(list(csv.reader(io.StringIO(text)))) == total + 1, path


def test_a_field_without_a_title_falls_back_to_its_name():
    from ecer.web.columns import DEC2, untitled_fields, xlsx_columns
    from ecer.web.columns import column as col

    class Row(BaseModel):
        energy_tce: float = col("综合能源消费量", "吨标准煤", DEC2)
        note: str | None = None

    assert untitled_fields(Row) == ["note"]
    energy, note = xlsx_columns(Row)
    assert (energy.header, energy.kind, energy.format) == ("综合能源消费量（吨标准煤）", "number", "#,##0.00")
    assert (note.header, note.kind) == ("note", "text")
    assert Row.model_fields["energy_tce"].is_required()  # declaring a column keeps a field required


def test_text_that_looks_like_a_formula_stays_text(sqlite_web_db):
    """A user name typed at the login form lands in the audit log; exported, it must not run in Excel."""
    attack = '=HYPERLINK("http://example.invalid","点我")'
    client = anonymous(sqlite_web_db)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": attack, "password": "wrong-pass-123", "csrf_token": token})
    admin = login(sqlite_web_db, "root").client
    sheet = _sheet(admin, "/api/v1/audit", action="login.failed")
    actor = sheet.cell(3, [c.value for c in sheet[2]].index("操作人") + 1)
    assert actor.value == attack and actor.data_type == "s"
    chinese = admin.get("/api/v1/audit", params={"action": "login.failed", "format": "csv", "headers": "zh"})
    assert _first_row(chinese.content)["操作人"] == "'" + attack
    plain = admin.get("/api/v1/audit", params={"action": "login.failed", "format": "csv"})
    assert _first_row(plain.content)["actor"] == attack  # as stored
