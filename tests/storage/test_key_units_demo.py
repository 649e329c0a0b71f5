"""The key-unit demo goes through the normal importers and contains the faults the checks should find."""

from sqlalchemy import func, select

from ecer.demo import key_units as demo
from ecer.demo import statistics as demo_statistics
from ecer.storage.db import session_scope
from ecer.storage.key_units import EnergyReportRevision, KeyUnit, MeterReading
from ecer.storage.models import ImportBatch
from tests.conftest import run_cli


def test_demo_units_reports_meters_and_findings(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    demo_statistics.import_demo(db, tmp_path)
    summary = demo.import_demo(db, tmp_path)
    assert [s["kind"] for s in summary] == ["units", "energy-reports", "two-high", "budgets", "meter-readings"]
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(KeyUnit)) == 6
        assert s.scalar(select(func.count()).select_from(EnergyReportRevision)) == 6 * 24
        # 6 meters × 731 days − 5 outage days, plus 6 × 24 month totals
        assert s.scalar(select(func.count()).select_from(MeterReading)) == 6 * 731 - 5 + 6 * 24
        assert set(s.scalars(select(ImportBatch.channel))) == {"demo"}
    assert demo.import_demo(db, tmp_path)[-1]["rows_added"] == 0  # idempotent

    cement = run_cli("units", "quality", demo.demo_code(3), "--year", "2024", "--month", "2", "--json", env=env)
    row = cement.json()[0]
    assert (row["daily_readings"], row["expected_days"], row["completeness_ok"]) == (24, 29, False)
    fibre = run_cli("units", "quality", demo.demo_code(5), "--year", "2024", "--month", "3", "--json", env=env)
    assert fibre.json()[0]["bad_timestamps"] == 1  # 15 March stamped 00:03

    found = run_cli("units", "reconcile", "--year", "2024", "--json", env=env).json()[0]
    assert [(d["credit_code"], d["month"], d["carrier"]) for d in found["meters_vs_reports"]] == [
        (demo.demo_code(6), 7, "electricity")]
    assert found["meters_vs_reports"][0]["relative"] == 0.08
    assert not any(r["discrepancy"] for r in found["units_vs_statistics"])

    dc = run_cli("units", "show", demo.demo_code(6), "--year", "2024", "--json", env=env).json()[0]
    assert dc["products"][0]["efficiency_class"] == "benchmark" and dc["products"][0]["pue_ok_new_large"] is True
    assert dc["budget"]["level"] in ("ok", "attention")
    projects = {p["name"]: p for p in run_cli("twohigh", "list", "--year", "2024", "--json", env=env).json()}
    ethylene = projects["演示石化 乙烯扩能（拟建）"]
    assert ethylene["handling_class"] == "reject" and ethylene["exceeds_room"] is True
    # 252 000 tce against 龙潭区's 2023 energy: the rise of its intensity at unchanged GDP
    assert ethylene["intensity_effect"] == ethylene["room_claim_tce"] / ethylene["region_energy_tce"]
    assert projects["演示石化 1000万吨/年炼油（存量）"]["intensity_effect"] == 0  # already inside the region


def test_benchmark_shares_and_annual_report_on_the_demo(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    demo_statistics.import_demo(db, tmp_path)
    demo.import_demo(db, tmp_path)
    shares = {(r["industry_code"], r["region"]): r
              for r in run_cli("units", "benchmarks", "--year", "2024", "--json", env=env).json()}
    assert shares[("C3011", "磐石市")]["share_at_benchmark"] == 1 and shares[("C3011", "磐石市")]["meets_target"]
    assert shares[("C3110", "经开区")]["share_at_benchmark"] == 0  # blast furnace between benchmark and baseline
    assert shares[("C3110", "经开区")]["meets_target"] is False

    code = demo.demo_code(3)
    partial = run_cli("units", "annual-report", code, "--year", "2024", "--management", "能源管理体系已认证",
                      "--json", env=env).json()[0]
    assert partial["narrative"]["management"] == "能源管理体系已认证" and partial["complete"] is False
    full = run_cli("units", "annual-report", code, "--year", "2024", "--projects", "余热发电改造",
                   "--problems", "冬季停窑", "--plans", "2025年实施窑系统节能改造", "--json", env=env).json()[0]
    assert full["complete"] is True and full["months_reported"] == 12
    assert full["category"] == "national" and full["category_basis"] == "report"
