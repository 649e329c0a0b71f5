"""Key units end to end on SQLite and PostgreSQL: registry, reports with revisions, show, two-high, budgets."""

import csv
from decimal import Decimal

from sqlalchemy import func, select

from ecer.domain.energy.key_units import credit_code_check_character
from ecer.storage.db import session_scope
from ecer.storage.key_units import EnergyReportRevision, KeyUnit
from ecer.storage.models import AuditEntry, ImportBatch
from tests.conftest import run_cli


def code(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


CEMENT = code("91220200MA17XK0C3")
STEEL = code("91220200MA17XK0D1")
UNITS_HEADER = ["统一社会信用代码", "单位名称", "行业代码", "行业名称", "所属地区", "能源管理负责人", "产品代码", "产能",
                "产能单位"]
UNITS = [
    [CEMENT, "甲水泥有限公司", "C3011", "水泥制造", "磐石市", "王工", "cement_clinker", "1400000", "吨/年"],
    [STEEL, "乙钢铁有限公司", "C3110", "炼铁", "龙潭区", "李工", "blast_furnace", "2000000", "吨/年"],
]
REPORT_HEADER = ["统一社会信用代码", "年份", "月份", "项目", "品种或产品", "数量", "计量单位"]


def write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def cement_month(year, month, coal="15000", output="110000"):
    return [[CEMENT, year, month, "消费", "原煤", coal, "吨"],
            [CEMENT, year, month, "消费", "电力", "950", "万千瓦时"],
            [CEMENT, year, month, "产品产量", "cement_clinker", output, "吨"],
            [CEMENT, year, month, "工业增加值", "", "4200", "万元"]]


def setup_units(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    result = run_cli("import", "units", write(tmp_path / "u.csv", UNITS_HEADER, UNITS), "--json", env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    return env


def test_units_import_reimport_and_list(db, tmp_path):
    env = setup_units(db, tmp_path)
    again = run_cli("import", "units", tmp_path / "u.csv", "--json", env=env)
    assert again.json()[0]["rows_added"] == 0  # identical re-import adds nothing
    listed = run_cli("units", "list", "--json", env=env).json()
    assert [u["credit_code"] for u in listed] == [CEMENT, STEEL]  # 磐石市 sorts before 龙潭区 by region text
    assert listed[0]["products"][0]["capacity"] == 1400000
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(KeyUnit)) == 2
        assert s.scalars(select(AuditEntry.action)).all().count("import.units") == 2


def test_bad_units_file_lists_every_problem_and_writes_nothing(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    wrong = CEMENT[:17] + ("A" if CEMENT[17] != "A" else "B")
    rows = [[wrong, "甲", "C3011", "水泥制造", "磐石市", "", "cement_clinker", "1", "t"],
            [STEEL, "乙", "C3110", "炼铁", "火星", "", "unobtainium", "-5", "t"]]
    result = run_cli("import", "units", write(tmp_path / "bad.csv", UNITS_HEADER, rows), "--json", env=env)
    assert result.exit_code == 1
    problems = result.json()
    assert [p["code"] for p in problems] == ["CREDIT_CODE_CHECK", "PLAN_UNKNOWN_REGION", "PRODUCT_UNKNOWN",
                                             "IMPORT_NEGATIVE_VALUE"]
    assert f"应为 {CEMENT[17]}" in problems[0]["message"] and problems[0]["row"] == 2
    assert problems[1]["row"] == 3 and problems[1]["column"].startswith("E ")
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(KeyUnit)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_units_add_refuses_a_wrong_check_character(db):
    env = {"ECER_DATABASE_URL": db}
    bad = run_cli("units", "add", "--credit-code", "91110108551385082A", "--name", "x", "--industry-code", "C3011",
                  "--industry-name", "水泥制造", "--region", "磐石市", "--json", env=env)
    assert bad.exit_code == 1 and bad.json()[0]["code"] == "CREDIT_CODE_CHECK"
    ok = run_cli("units", "add", "--credit-code", "91110108551385082Q", "--name", "x", "--industry-code", "C3011",
                 "--industry-name", "水泥制造", "--region", "磐石市", "--energy-tce", "8000", "--json", env=env)
    assert ok.exit_code == 0 and ok.json()[0]["category"] == "designated"
    again = run_cli("units", "add", "--credit-code", "91110108551385082Q", "--name", "x", "--industry-code", "C3011",
                    "--industry-name", "水泥制造", "--region", "磐石市", "--json", env=env)
    assert again.exit_code == 2 and again.json()[0]["code"] == "KEY_UNIT_EXISTS"


def test_reports_revisions_review_and_show(db, tmp_path):
    env = setup_units(db, tmp_path)
    rows = [r for m in range(1, 13) for r in cement_month(2023, m, "16000")]
    rows += [r for m in (1, 2) for r in cement_month(2024, m)]
    path = write(tmp_path / "r.csv", REPORT_HEADER, rows)
    first = run_cli("import", "energy-reports", path, "--json", env=env)
    assert first.exit_code == 0, first.stdout + first.stderr
    assert first.json()[0]["rows_added"] == 14 and first.json()[0]["status"] == "approved"
    assert run_cli("import", "energy-reports", path, "--json", env=env).json()[0]["rows_added"] == 0
    changed = write(tmp_path / "r2.csv", REPORT_HEADER, cement_month(2024, 2, "15500"))
    assert run_cli("import", "energy-reports", changed, "--json", env=env).json()[0]["rows_added"] == 1
    revisions = run_cli("units", "reports", CEMENT, "--year", "2024", "--json", env=env).json()
    assert [(r["month"], r["status"]) for r in revisions] == [(1, "approved"), (2, "approved"), (2, "approved")]

    shown = run_cli("units", "show", CEMENT, "--year", "2024", "--json", env=env).json()[0]
    # Jan 15 000 t + Feb 15 500 t = 30 500 t raw coal × 0.7143 = 21 786.15 tce; 1 900 万kWh × 0.1229 = 2 335.1 tce
    assert shown["energy_calorific_tce"] == 24121.25
    assert shown["coal_t"] == 30500 and shown["months_reported"] == 2
    # clinker: 24 121.25 tce / 220 000 t = 109.642… kgce/t — between benchmark 100 and baseline 117
    product = shown["products"][0]
    assert product["unit_energy"] == float(Decimal("24121.25") / 220000 * 1000)
    assert product["efficiency_class"] == "between"
    # the same months of 2023: 2 × (16 000 t × 0.7143 + 950e4 kWh × 0.0001229 tce) = 25 192.7 tce
    assert shown["energy_change"] == float(Decimal("24121.25") / Decimal("25192.7") - 1)
    # GB/T 13234 product saving with equal output: (25 192.7 − 24 121.25) / 220 000 × 220 000 = 1 071.45 tce
    assert shown["energy_saved_product_tce"] == 1071.45
    assert shown["category"] is None and shown["category_basis"] == "declared"  # no declared energy, part year
    assert shown["budget"] is None

    with session_scope(db) as s:
        latest = s.scalars(select(EnergyReportRevision).order_by(EnergyReportRevision.id.desc())).first()
        latest_id = latest.id
    assert run_cli("units", "review", latest_id, "return", "--json", env=env).exit_code == 2  # approved: no return
    with session_scope(db) as s:
        s.get(EnergyReportRevision, latest_id).status = "submitted"
    returned = run_cli("units", "review", latest_id, "return", "--reason", "电量与电费单不符", "--json", env=env)
    assert returned.json()[0] == {"id": latest_id, "status": "returned", "return_reason": "电量与电费单不符"}
    # the returned revision no longer counts: February falls back to the first (approved) one
    shown = run_cli("units", "show", CEMENT, "--year", "2024", "--json", env=env).json()[0]
    assert shown["coal_t"] == 30000


def test_report_errors_are_all_listed(db, tmp_path):
    env = setup_units(db, tmp_path)
    rows = [[CEMENT, 2024, 13, "消费", "原煤", "1", "吨"],
            [CEMENT, 2024, 1, "消费", "原煤", "1", "立方米"],
            [code("91220200MA17XK0E0"), 2024, 1, "消费", "原煤", "1", "吨"],
            [CEMENT, 2024, 1, "库存", "原煤", "1", "吨"]]
    result = run_cli("import", "energy-reports", write(tmp_path / "bad.csv", REPORT_HEADER, rows), "--json", env=env)
    assert result.exit_code == 1
    assert [p["code"] for p in result.json()] == ["IMPORT_BAD_MONTH", "UNIT_MISMATCH", "KEY_UNIT_UNKNOWN",
                                                  "REPORT_ITEM_UNKNOWN"]


def test_budgets_show_and_allocate(db, tmp_path):
    env = setup_units(db, tmp_path)
    rows = [r for m in range(1, 13) for r in cement_month(2023, m, "16000")]
    rows += [r for m in (1, 2, 3) for r in cement_month(2024, m)]
    assert run_cli("import", "energy-reports", write(tmp_path / "r.csv", REPORT_HEADER, rows), env=env).exit_code == 0
    header = ["年份", "预算类型", "地区", "统一社会信用代码", "项目名称", "用能预算(吨标准煤)"]
    budget_rows = [[2024, "单位", "磐石市", CEMENT, "", "150000"], [2024, "地区", "磐石市", "", "", "1500000"]]
    imported = run_cli("import", "budgets", write(tmp_path / "b.csv", header, budget_rows), "--json", env=env)
    assert imported.exit_code == 0, imported.stdout
    budget = run_cli("units", "show", CEMENT, "--year", "2024", "--json", env=env).json()[0]["budget"]
    # flat 2023 history: share by March = 3/12; 3 months of 2024 at 等价值 over 0.25
    assert budget["forecast_method"] == "seasonal" and budget["months"] == 3
    assert budget["forecast_tce"] == budget["to_date_tce"] * 4
    assert budget["level"] == ("forecast_over" if budget["forecast_tce"] > 150000 else "ok")
    # the region has no statistics for 2024: its room is the whole budget
    ok = run_cli("budget", "allocate", "--region", "磐石市", "--year", "2024", "--project", "新材料项目",
                 "--tce", "1000000", "--json", env=env)
    assert ok.exit_code == 0 and ok.json()[0]["room_after_tce"] == 500000
    refused = run_cli("budget", "allocate", "--region", "磐石市", "--year", "2024", "--project", "另一项目",
                      "--tce", "500001", "--json", env=env)
    assert refused.exit_code == 2 and refused.json()[0]["code"] == "BUDGET_ROOM_EXCEEDED"
    status = run_cli("budget", "status", "--year", "2024", "--json", env=env).json()
    region = next(r for r in status if r["scope"] == "region")
    assert region["projects_tce"] == 1000000 and region["room_tce"] == 500000


def test_two_high_inventory(db, tmp_path):
    env = setup_units(db, tmp_path)
    header = ["项目名称", "统一社会信用代码", "行业代码", "行业名称", "所属地区", "项目状态", "产品代码", "单位产品能耗",
              "年综合能耗当量值(吨标准煤)", "年综合能耗等价值(吨标准煤)", "煤炭替代方式", "节能审查日期"]
    rows = [["熟料线技改", CEMENT, "C3011", "水泥制造", "磐石市", "存量", "cement_clinker", "118", "150000", "155000",
             "", ""],
            ["新建转炉", STEEL, "C3120", "炼钢", "龙潭区", "拟建", "converter", "-31", "9000", "9999", "等量替代",
             "2024-03-01"]]
    path = write(tmp_path / "t.csv", header, rows)
    assert run_cli("import", "two-high", path, "--json", env=env).json()[0]["rows_added"] == 2
    assert run_cli("import", "two-high", path, "--json", env=env).json()[0]["rows_added"] == 0
    listed = {r["name"]: r for r in run_cli("twohigh", "list", "--year", "2024", "--json", env=env).json()}
    cement = listed["熟料线技改"]
    assert (cement["over_10k_tce"], cement["over_50k_tce"], cement["efficiency_class"], cement["handling_class"]) == (
        True, True, "below_baseline", "upgrade_or_exit")
    converter = listed["新建转炉"]
    assert (converter["over_10k_tce"], converter["efficiency_class"], converter["handling_class"]) == (
        False, "benchmark", "assess")
    assert converter["region_room_tce"] is None  # no budget for 龙潭区
    log = run_cli("twohigh", "log", "新建转炉", "现场核查：未开工", "--date", "2024-05-06", "--json", env=env)
    assert log.exit_code == 0
    shown = run_cli("twohigh", "show", "新建转炉", "--year", "2024", "--json", env=env).json()[0]
    assert shown["log"] == [{"date": "2024-05-06", "note": "现场核查：未开工", "actor": shown["log"][0]["actor"]}]
    bad = write(tmp_path / "bad.csv", header, [["x", "", "C3011", "水泥制造", "磐石市", "停建", "", "", "1", "1", "替代",
                                                "2024-13-01"]])
    result = run_cli("import", "two-high", bad, "--json", env=env)
    assert [p["code"] for p in result.json()] == ["TWOHIGH_BAD_STATUS", "TWOHIGH_BAD_REPLACEMENT", "IMPORT_BAD_DATE"]


def test_templates_are_written(tmp_path, cli):
    for kind in ("units", "energy-reports", "two-high", "budgets"):
        out = tmp_path / f"{kind}.xlsx"
        assert cli("template", kind, out).exit_code == 0 and out.exists()


def test_region_budget_forecast_from_year_to_date_statistics(db, tmp_path):
    """磐石市 H1 2023 = 50 of 100 万tce: share 0.5; H1 2024 = 55 → forecast 110 万tce = 1 100 000 tce."""
    from tests.storage.conftest import write_csv

    env = {"ECER_DATABASE_URL": db}
    stats = write_csv(tmp_path / "s.csv", ["磐石市,2023,上半年,60,105,50", "磐石市,2023,全年,130,105,100",
                                           "磐石市,2024,上半年,64,105,55"])
    assert run_cli("import", "statistics", stats, env=env).exit_code == 0
    header = ["年份", "预算类型", "地区", "用能预算(吨标准煤)"]
    assert run_cli("import", "budgets", write(tmp_path / "b.csv", header, [[2024, "地区", "磐石市", "1050000"]]),
                   env=env).exit_code == 0
    region = run_cli("budget", "status", "--year", "2024", "--json", env=env).json()[0]
    assert (region["period"], region["to_date_tce"], region["forecast_tce"]) == ("上半年", 550000, 1100000)
    assert (region["room_tce"], region["level"]) == (-50000, "forecast_over")
    refused = run_cli("budget", "allocate", "--region", "磐石市", "--year", "2024", "--project", "p", "--tce", "1",
                      "--json", env=env)
    assert refused.json()[0]["code"] == "BUDGET_ROOM_EXCEEDED"
