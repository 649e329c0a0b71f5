"""Key units, two-high projects and budgets on the web (issue 6 §1, §2), on the demo key units.

The demo (ecer.demo.key_units, SYNTHETIC) registers six units — 1 石化 龙潭区, 2 钢铁 经开区,
3 水泥 磐石市, 4 热电 昌邑区, 5 化纤 经开区, 6 数据中心 高新区 — with 2023 and 2024 monthly reports,
three two-high projects (1, 2 of unit 1 in 龙潭区; 3 of unit 3 in 磐石市) and 2024 budgets of five
regions and six units. Scope: a district user reads its region's units, an enterprise user its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

from tests.web.conftest import PASSWORD, login


def _add_users(url: str) -> None:
    from ecer.services.users import create_user
    from ecer.storage.db import session_scope

    with session_scope(url) as session:
        create_user(session, username="longtan", password=PASSWORD, role="district", actor="test", region="龙潭区")
        create_user(session, username="cement", password=PASSWORD, role="enterprise", actor="test", unit_id=3)


def test_units_api_lists_energy_class_and_budget_on_both_databases(web_db):
    """Unit 3 (水泥, 2024): budget 111 850 tce < 2024 energy 119 292.6558 tce (等价值) → exceeded,
    remaining 111 850 − 119 292.6558 = −7 442.6558 tce (budget_status, docs/key-energy-units.md)."""
    client = login(web_db, "drc").client
    page = client.get("/api/v1/units").json()
    assert page["total"] == 6
    cement = next(r for r in page["items"] if r["id"] == 3)
    assert (cement["region"], cement["year"], cement["months_reported"]) == ("磐石市", 2024, 12)
    assert cement["budget_tce"] == 111850
    assert cement["budget_level"] == "exceeded"
    assert cement["efficiency_class"] == "benchmark"
    assert [r["id"] for r in client.get("/api/v1/units", params={"region": "经开区"}).json()["items"]] == [2, 5]
    assert [r["id"] for r in client.get("/api/v1/units", params={"industry": "C30"}).json()["items"]] == [3]
    assert client.get("/api/v1/units", params={"category": "designated"}).json()["total"] == 0

    detail = client.get("/api/v1/units/3").json()
    assert Decimal(str(detail["budget"]["remaining_tce"])) == Decimal("-7442.6558")
    assert len(detail["monthly"]) == 24  # 2023 and 2024, every month approved
    months_2024 = sum(Decimal(str(m["energy_primary_tce"])) for m in detail["monthly"] if m["year"] == 2024)
    assert months_2024 == Decimal(str(detail["energy_primary_tce"]))

    twohigh = client.get("/api/v1/twohigh").json()
    assert sorted(p["id"] for p in twohigh["items"]) == [1, 2, 3]  # by region: the order is the collation's
    assert client.get("/api/v1/twohigh", params={"status": "在建"}).json()["items"][0]["id"] == 3
    assert client.get("/api/v1/twohigh", params={"flag": "over_50k_tce"}).json()["total"] == 3
    assert client.get("/api/v1/twohigh", params={"flag": "bogus"}).status_code == 422

    budgets = client.get("/api/v1/budgets", params={"year": 2024}).json()
    assert budgets["total"] == 11  # five regions, six units
    assert {b["scope"] for b in budgets["items"]} == {"region", "unit"}


def test_units_export_has_the_item_keys(sqlite_web_db):
    client = login(sqlite_web_db, "drc").client
    response = client.get("/api/v1/units", params={"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "credit_code", "name"] and len(rows) == 7


def test_district_user_reads_only_its_regions_units(sqlite_web_db):
    _add_users(sqlite_web_db)
    client = login(sqlite_web_db, "longtan").client
    assert [r["id"] for r in client.get("/api/v1/units").json()["items"]] == [1]
    assert client.get("/api/v1/units/2").status_code == 404
    assert client.get("/api/v1/units", params={"region": "经开区"}).status_code == 403
    assert sorted(p["id"] for p in client.get("/api/v1/twohigh").json()["items"]) == [1, 2]
    assert client.get("/api/v1/twohigh/3").status_code == 404
    assert {b["region"] for b in client.get("/api/v1/budgets").json()["items"]} == {"龙潭区"}
    assert client.get("/units/2").status_code == 404
    assert "演示钢铁" not in client.get("/units").text


def test_enterprise_user_reads_only_its_own_unit(sqlite_web_db):
    _add_users(sqlite_web_db)
    client = login(sqlite_web_db, "cement").client
    assert [r["id"] for r in client.get("/api/v1/units").json()["items"]] == [3]
    assert client.get("/api/v1/units/1").status_code == 404
    assert client.get("/api/v1/units/3").json()["name"] == "演示水泥有限公司"
    assert [p["id"] for p in client.get("/api/v1/twohigh").json()["items"]] == [3]
    assert client.get("/twohigh/1").status_code == 404
    budgets = client.get("/api/v1/budgets").json()["items"]
    assert [(b["scope"], b.get("unit_id")) for b in budgets] == [("unit", 3)]
    # an enterprise user of a unit that does not exist sees nothing
    other = login(sqlite_web_db, "plant").client
    assert other.get("/api/v1/units").json()["total"] == 0


def test_units_page_filters_by_htmx_and_unit_page_embeds_the_monthly_series(sqlite_web_db):
    client = login(sqlite_web_db, "drc").client
    page = client.get("/units")
    assert page.status_code == 200 and "演示水泥有限公司" in page.text and 'hx-get="/units"' in page.text
    table = client.get("/units", params={"region": "经开区", "industry": "", "category": ""},
                       headers={"HX-Request": "true"})
    assert table.text.lstrip().startswith('<table class="data" id="units">')
    assert "演示钢铁有限公司" in table.text and "演示水泥有限公司" not in table.text
    unit = client.get("/units/3").text
    data = json.loads(re.search(r'<script type="application/json" id="unit-data">(.*?)</script>', unit, re.S).group(1))
    assert len(data["monthly"]) == 24 and data["budget"]["level"] == "exceeded"
    assert "已超预算" in unit and "达到标杆水平" in unit


def test_twohigh_page_shows_the_supervision_log(sqlite_web_db):
    from ecer.storage.db import session_scope
    from ecer.storage.two_high import add_log

    with session_scope(sqlite_web_db) as session:
        add_log(session, 3, dt.date(2024, 5, 6), "现场核查：窑线能效已达标杆", "test")
    client = login(sqlite_web_db, "drc").client
    inventory = client.get("/twohigh", params={"status": "在建"})
    assert "演示水泥 熟料线技改（在建）" in inventory.text and "演示石化" not in inventory.text.split('id="twohigh"')[1]
    project = client.get("/twohigh/3").text
    assert "现场核查：窑线能效已达标杆" in project and "2024-05-06" in project
    assert client.get("/api/v1/twohigh/3").json()["log"][0]["note"] == "现场核查：窑线能效已达标杆"
