"""Stations, air readings, water samples and alarms through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import run_cli

STATIONS = """站点编码,名称,类型,所属地区,水体类型,所在水体,水质目标,MN,经度,纬度
A1,甲站,air,船营区,,,,AIRMN0000000001,126.52,43.87
A2,乙站,air,昌邑区,,,,,126.59,43.88
W1,哈达湾,water,船营区,river,松花江,III,,126.51,43.87
"""
AIR_HEADER = "站点编码,日期,小时,SO2,NO2,PM10,CO,O3_1h,O3_8h,PM2_5,数据标记"


def env(url: str) -> dict[str, str]:
    return {"ECER_DATABASE_URL": url, "ECER_USER": "tester"}


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def registered(db, tmp_path):
    result = run_cli("import", "stations", write(tmp_path / "stations.csv", STATIONS), "--json", env=env(db))
    assert result.exit_code == 0, result.stdout + result.stderr
    return db


def june_csv(path, *, heavy: bool = False, skip: int | None = None):
    lines = [AIR_HEADER]
    for station in ("A1", "A2"):
        for day in range(1, 31):
            if station == "A2" and day == skip:
                continue
            pm25 = 151 if heavy and station == "A1" and day == 2 else 19 + day
            lines.append(f"{station},2024-06-{day:02d},,10,20,50,{day / 10},{120 + day},{100 + 2 * day},{pm25},")
    return write(path, "\n".join(lines) + "\n")


def test_station_import_is_idempotent(registered, tmp_path):
    again = run_cli("import", "stations", write(tmp_path / "s.csv", STATIONS), "--json", env=env(registered))
    assert (again.json()[0]["rows_added"], again.json()[0]["rows_updated"]) == (0, 0)
    listed = run_cli("environment", "stations", "--json", env=env(registered)).json()
    assert [s["code"] for s in listed] == ["A2", "A1", "W1"]  # by medium, region, code
    assert listed[1]["mn"] == "AIRMN0000000001" and listed[1]["longitude"] == 126.52


def test_bad_station_file_writes_nothing_and_locates_every_error(db, tmp_path):
    bad = STATIONS + "W2,断面,water,不存在区,,,VI,AIRMN0000000001,,\n"
    result = run_cli("import", "stations", write(tmp_path / "bad.csv", bad), "--json", env=env(db))
    assert result.exit_code == 1
    codes = {(p["code"], p["row"], p["field"]) for p in result.json()}
    assert codes == {("IMPORT_UNKNOWN_REGION", 5, "region"), ("IMPORT_REQUIRED_VALUE", 5, "water_kind"),
                     ("WATER_BAD_CLASS", 5, "target_class"), ("ENV_DUPLICATE_STATION", 5, "mn")}
    assert run_cli("environment", "stations", "--json", env=env(db)).json() == []


def test_air_import_reimport_and_evaluate(registered, tmp_path):
    path = june_csv(tmp_path / "june.csv")
    first = run_cli("import", "air-quality", path, "--json", env=env(registered)).json()[0]
    again = run_cli("import", "air-quality", path, "--json", env=env(registered)).json()[0]
    assert (first["rows_added"], again["rows_added"], again["rows_updated"]) == (60, 0, 0)
    rows = run_cli("air", "evaluate", "--year", "2024", "--month", "6", "--json", env=env(registered)).json()
    city = rows[0]
    assert (city["scope"], city["name"], city["pm2_5"], city["co_p95"], city["o3_8h_p90"]) == (
        "city", "吉林市", 34, 2.9, 154)
    assert city["comprehensive_index"] == 4.04
    assert city["plan_targets"] == [] and "未设定空气质量目标" in city["plan_targets_note"]
    regions = [r for r in rows if r["scope"] == "region"]
    assert [(r["name"], r["rank"]) for r in regions] == [("昌邑区", 1), ("船营区", 1)]  # equal index: tie


def test_air_file_with_unknown_station_and_bad_cells(registered, tmp_path):
    text = "\n".join([AIR_HEADER, "ZZ,2024-06-01,,10,,,,,,,", "A1,2024-06-31,,10,,,,,,,",
                      "A1,2024-06-01,24,-1,,,,,,,X", "W1,2024-06-02,,10,,,,,,,"]) + "\n"
    result = run_cli("import", "air-quality", write(tmp_path / "bad.csv", text), "--json", env=env(registered))
    assert result.exit_code == 1
    found = {(p["code"], p["row"]) for p in result.json()}
    assert found == {("ENV_UNKNOWN_STATION", 2), ("ENV_BAD_DATE", 3), ("ENV_BAD_HOUR", 4),
                     ("IMPORT_NEGATIVE_VALUE", 4), ("ENV_BAD_FLAG", 4), ("ENV_WRONG_MEDIUM", 5)}


def test_hourly_data_gives_the_daily_value(registered, tmp_path):
    """20 valid hours of PM2.5 30…49 → daily mean 39.5 (GB 3095-2012 表4: 20 hours suffice)."""
    lines = [AIR_HEADER] + [f"A1,2024-06-01,{h},,,,,,,{30 + h}," for h in range(20)]
    result = run_cli("import", "air-quality", write(tmp_path / "h.csv", "\n".join(lines)), "--json",
                     env=env(registered))
    assert result.json()[0]["rows_added"] == 20
    from ecer.services.environment_quality import station_days
    from ecer.storage import environment_data as data
    from ecer.storage.db import session_scope

    with session_scope(registered) as session:
        days = station_days(session, data.stations(session, "air"), dt.date(2024, 6, 1), dt.date(2024, 6, 1))
    assert [v[dt.date(2024, 6, 1)]["PM2_5"] for v in days.values()] == [39.5]


def test_flagged_rows_are_kept_but_do_not_count(registered, tmp_path):
    text = "\n".join([AIR_HEADER, "A1,2024-06-01,,10,20,50,1,120,100,30,D"]) + "\n"
    run_cli("import", "air-quality", write(tmp_path / "f.csv", text), env=env(registered))
    rows = run_cli("air", "evaluate", "--year", "2024", "--month", "6", "--json", env=env(registered)).json()
    station = next(r for r in rows if r["scope"] == "station" and "A1" in r["name"])
    assert (station["valid_days"], station["pm2_5"]) == (0, None)
    assert station["invalid"]["PM2_5"] == "有效日数不足：6月 0 天"


def test_heavy_pollution_and_silence_alarms(registered, tmp_path):
    run_cli("import", "air-quality", june_csv(tmp_path / "j.csv", heavy=True, skip=None), env=env(registered))
    alarms = run_cli("environment", "alarms", "--json", env=env(registered)).json()
    assert [(a["kind"], a["station"], a["date"], a["value"]) for a in alarms] == [
        ("heavy_pollution", "A1", "2024-06-02", "201")]
    checked = run_cli("environment", "alarms", "--check", "--as-of", "2024-07-04", "--medium", "air", "--json",
                      env=env(registered)).json()
    silent = [(a["station"], a["date"], a["value"]) for a in checked if a["kind"] == "silent"]
    assert silent == [("A1", "2024-07-01", "2024-06-30"), ("A2", "2024-07-01", "2024-06-30")]


def test_water_import_evaluate_and_below_target_alarm(registered, tmp_path):
    """June: NH3N 1.2 → IV (III ≤ 1.0, IV ≤ 1.5), below target III. Year: means NH3N 0.9 (III), COD 16 (III)."""
    text = "断面编码,采样时间,氨氮(mg/L),化学需氧量(mg/L)\nW1,2024-06-15 10:00,1.2,18\nW1,2024-07-15,0.6,14\n"
    result = run_cli("import", "water-quality", write(tmp_path / "w.csv", text), "--json", env=env(registered))
    assert result.json()[0]["rows_added"] == 2 and result.json()[0]["alarms_added"] == 1
    rows = run_cli("water", "evaluate", "--year", "2024", "--json", env=env(registered)).json()
    annual = next(r for r in rows if r["scope"] == "section" and r["month"] is None)
    assert (annual["water_class"], annual["limiting_parameters"], annual["meets_target"]) == ("III", ["COD", "NH3N"], True)
    june = next(r for r in rows if r["scope"] == "section" and r["month"] == 6)
    assert (june["water_class"], june["meets_target"]) == ("IV", False)
    city_june = next(r for r in rows if r["scope"] == "city" and r["month"] == 6)
    assert (city_june["good_share"], city_june["worse_than_v_share"], city_june["target_share"]) == (0, 0, 0)
    alarms = run_cli("environment", "alarms", "--medium", "water", "--json", env=env(registered)).json()
    assert [(a["kind"], a["date"], a["value"]) for a in alarms] == [("below_target", "2024-06-15", "IV")]


def test_evaluate_without_stations_is_a_state_error(db):
    result = run_cli("air", "evaluate", "--year", "2024", "--json", env=env(db))
    assert result.exit_code == 2 and result.json()[0]["code"] == "ENV_NO_STATIONS"
