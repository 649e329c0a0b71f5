"""The synthetic 2024 environment demo goes through the normal importers and shows what it promises."""

from __future__ import annotations

from ecer.demo.environment import HEAVY_DAYS, import_demo
from tests.conftest import run_cli


def test_demo_year(db, tmp_path):
    summary = import_demo(db, tmp_path)
    assert [(s["kind"], s["rows_added"]) for s in summary] == [
        ("stations", 10), ("air-quality", 4 * 366 - 4), ("water-quality", 72)]
    again = import_demo(db, tmp_path)
    assert [s["rows_added"] for s in again] == [0, 0, 0]
    env = {"ECER_DATABASE_URL": db}
    air = run_cli("air", "evaluate", "--year", "2024", "--json", env=env).json()
    city = air[0]
    assert (city["scope"], city["month"], city["heavy_pollution_days"]) == ("city", None, len(HEAVY_DAYS))
    ranked = [r["rank"] for r in air if r["scope"] == "region" and r["month"] is None]
    assert sorted(ranked) == [1, 2, 3, 4]
    water = run_cli("water", "evaluate", "--year", "2024", "--json", env=env).json()
    missed = [r["section"] for r in water if r["scope"] == "section" and r["month"] is None and not r["meets_target"]]
    assert missed == ["SW-MN01"]
    kinds = {a["kind"] for a in run_cli("environment", "alarms", "--json", env=env).json()}
    assert kinds == {"heavy_pollution", "below_target", "silent"}
    from ecer.services.environment_quality import page_data
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan

    with session_scope(db) as session:
        page = page_data(session, active_plan(session), 2024)
    assert [s["code"] for s in page["stations"]] == ["AIR-FM01", "AIR-CH01", "AIR-CY01", "AIR-LT01"]
    assert all(s["latest_date"].isoformat() == "2024-12-31" for s in page["stations"])
    assert {len(days) for days in page["daily_aqi"].values()} == {366}
    assert (page["standards"]["pm2_5_24h"], page["standards"]["o3_8h"]) == (75, 160)
    assert len(page["sections"]) == 6


def test_month_out_of_range_is_refused(db):
    result = run_cli("air", "evaluate", "--year", "2024", "--month", "13", "--json",
                     env={"ECER_DATABASE_URL": db})
    assert result.exit_code == 1 and result.json()[0]["code"] == "ENV_BAD_MONTH"
