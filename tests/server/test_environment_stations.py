"""Ambient stations over the HJ 212 server (real TCP socket, SQLite and PostgreSQL).

An air station (ST=22) and a water section (ST=21) registered with ``ecer environment stations register``
upload real-time (2011) and hourly (2061) data; once the 9014 arrives, the rows are committed and the AQI
and the water class are computed from them. Unregistered stations and a wrong ST are quarantined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from ecer.protocol.hj212.builder import build, make_flag, make_qn
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.cp import CST
from ecer.server.hj212 import ServerConfig
from ecer.services.environment_quality import page_data
from ecer.storage.db import session_scope
from ecer.storage.environment import AirReading, WaterSample
from ecer.storage.monitoring import QuarantinedPacket, Reading
from ecer.storage.plans import active_plan
from tests.conftest import run_cli
from tests.server.conftest import MN as WASTEWATER_MN
from tests.server.conftest import RunningServer, read_packets

AIR_MN = "22020000A100000000000001"
WATER_MN = "22020000B100000000000001"
SILENT_MN = "22020000A100000000000002"  # imported with its MN, never registered
PW = "654321"
STATIONS = f"""站点编码,名称,类型,所属地区,水体类型,所在水体,水质目标,MN
A1,哈达湾站,air,船营区,,,,{AIR_MN}
A2,未登记站,air,船营区,,,,{SILENT_MN}
A3,无MN站,air,船营区,,,,
W1,松花江大桥,water,船营区,river,松花江,II,{WATER_MN}
"""
DAY = dt.date(2024, 6, 2)
# One hour of the six pollutants in HJ 212-2017 Appendix B default units (mg/m³; PM ng/m³):
# SO2 10, NO2 20, PM10 70, O3 100 μg/m³, CO 0.8 mg/m³, PM2.5 160 μg/m³.
AIR_HOUR = {"a21026": {"Avg": 0.010, "Flag": "N"}, "a21004": {"Avg": 0.020, "Flag": "N"},
            "a34002": {"Avg": 70000, "Flag": "N"}, "a21005": {"Avg": 0.8, "Flag": "N"},
            "a05024": {"Avg": 0.100, "Flag": "N"}, "a34004": {"Avg": 160000, "Flag": "N"}}


def env(url: str) -> dict[str, str]:
    return {"ECER_DATABASE_URL": url}


def upload(st: str, cn: str, mn: str, values: dict, when: dt.datetime, pw: str = PW) -> bytes:
    return build(st=st, cn=cn, pw=pw, mn=mn, qn=make_qn(when), flag=make_flag("2017", ack=True), values=values,
                 data_time=when)


@pytest.fixture
def stations_db(monitor_db, tmp_path) -> str:
    path = tmp_path / "stations.csv"
    path.write_text(STATIONS, encoding="utf-8")
    assert run_cli("import", "stations", str(path), env=env(monitor_db)).exit_code == 0
    for code in ("A1", "W1"):
        result = run_cli("environment", "stations", "register", code, "--pw", PW, "--json", env=env(monitor_db))
        assert result.exit_code == 0, result.stderr
    return monitor_db


@pytest.fixture
def station_server(stations_db) -> Iterator[RunningServer]:
    running = RunningServer(stations_db, ServerConfig(host="127.0.0.1", port=0, idle_timeout=5, reload_seconds=60,
                                                      backfill=False))
    yield running
    running.stop()


def test_register_makes_a_monitored_source_with_the_media_st(stations_db) -> None:
    """HJ 212-2017 表5: 22 空气质量监测, 21 地表水质量监测; the region is the station's."""
    sources = {s["mn"]: s for s in run_cli("monitor", "sources", "list", "--json", env=env(stations_db)).json()}
    assert {(sources[mn]["kind"], sources[mn]["st"], sources[mn]["region"]) for mn in (AIR_MN, WATER_MN)} == {
        ("air_station", "22", "船营区"), ("water_section", "21", "船营区")}
    assert SILENT_MN not in sources
    again = run_cli("environment", "stations", "register", "A1", "--pw", PW, "--json", env=env(stations_db))
    assert again.json()[0]["changed"] is False


@pytest.mark.parametrize(("args", "code", "exit_code"), [
    (("NOPE",), "ENV_UNKNOWN_STATION", 1),
    (("A3",), "ENV_STATION_NO_MN", 1),
    (("A3", "--mn", AIR_MN), "ENV_DUPLICATE_STATION", 1),
    (("A3", "--mn", WASTEWATER_MN), "MONITOR_SOURCE_EXISTS", 2),  # a pollution source's MN is never taken over
])
def test_register_refuses(stations_db, args, code, exit_code) -> None:
    result = run_cli("environment", "stations", "register", *args, "--pw", PW, "--json", env=env(stations_db))
    assert result.exit_code == exit_code
    assert code in result.stdout + result.stderr


def test_air_station_hours_are_committed_before_the_ack_and_give_the_days_aqi(station_server) -> None:
    """24 hourly uploads with PM2.5 160 μg/m³: 24-h mean 160, IAQI = 200 + (160 − 150)·100/(250 − 150) = 210
    (HJ 633-2012 表1), above PM10 (60), SO2, NO2, CO and O3 — 重度污染, primary pollutant PM2.5."""
    url = station_server.server.url
    hours = [upload("22", "2061", AIR_MN, AIR_HOUR, dt.datetime(2024, 6, 2, h, tzinfo=CST)) for h in range(24)]
    realtime = [upload("22", "2011", AIR_MN, {"a34004": {"Rtd": 158000, "Flag": "N"}},
                       dt.datetime(2024, 6, 2, 23, 59, s, tzinfo=CST)) for s in (0, 30)]
    with station_server.connect() as sock:
        sock.sendall(b"".join(hours + realtime))
        acks = [decode(a) for a in read_packets(sock, 26)]
        assert {a.cn for a in acks} == {"9014"} and len({a.qn for a in acks}) == 26
        with session_scope(url) as session:  # the server is still running: what was acknowledged is committed
            rows = list(session.scalars(select(AirReading).order_by(AirReading.hour)))
            realtime_rows = session.scalar(select(func.count()).select_from(Reading).where(
                Reading.mn == AIR_MN, Reading.cn == "2011"))
    assert [(r.date, r.hour, r.resolution, r.source) for r in rows] == [(DAY, h, "hour", "hj212") for h in range(24)]
    assert realtime_rows == 2  # real-time values are readings only: no 24-hour statistic is made of them
    with session_scope(url) as session:
        calendar = page_data(session, active_plan(session), 2024)["daily_aqi"]["A1"]
    (day,) = [d for d in calendar if d["date"] == DAY]
    assert (day["aqi"], day["level"]) == (210, 5)
    evaluated = run_cli("air", "evaluate", "--year", "2024", "--month", "6", "--json", env=env(url)).json()
    (station,) = [r for r in evaluated if r["scope"] == "station" and r["name"].endswith("（A1）")]
    assert (station["valid_days"], station["heavy_pollution_days"], station["good_days"]) == (1, 1, 0)
    alarms = run_cli("environment", "alarms", "--json", env=env(url)).json()
    assert [(a["kind"], a["value"]) for a in alarms] == [("heavy_pollution", "210")]


def test_resent_hour_is_stored_once(station_server) -> None:
    when = dt.datetime(2024, 6, 2, 8, tzinfo=CST)
    with station_server.connect() as sock:
        sock.sendall(upload("22", "2061", AIR_MN, AIR_HOUR, when) * 3)
        assert len(read_packets(sock, 3)) == 3
    with session_scope(station_server.server.url) as session:
        assert session.scalar(select(func.count()).select_from(AirReading)) == 1


def test_water_section_hour_gives_its_class(station_server) -> None:
    """NH3-N 1.2 mg/L is class IV (GB 3838-2002 表1: III ≤ 1.0, IV ≤ 1.5), worse than the target II."""
    with station_server.connect() as sock:
        sock.sendall(upload("21", "2061", WATER_MN, {"w21003": {"Avg": 1.2, "Flag": "N"}},
                            dt.datetime(2024, 6, 2, 8, tzinfo=CST)))
        (ack,) = read_packets(sock, 1)
        url = station_server.server.url
        with session_scope(url) as session:
            sampled = list(session.scalars(select(WaterSample.sampled_at)))
    assert decode(ack).cn == "9014" and sampled == [dt.datetime(2024, 6, 2, 8, 0)]  # Beijing time, as imported
    rows = run_cli("water", "evaluate", "--year", "2024", "--month", "6", "--json", env=env(url)).json()
    (section,) = [r for r in rows if r["scope"] == "section"]
    assert (section["section"], section["samples"], section["water_class"], section["limiting_parameters"],
            section["meets_target"]) == ("W1", 1, "IV", ["NH3N"], False)


def test_unregistered_station_and_wrong_st_are_quarantined_not_acknowledged(station_server) -> None:
    """A2 has an MN in the station list but was never registered; A1 uploading as ST=21 is not an air upload."""
    when = dt.datetime(2024, 6, 2, 8, tzinfo=CST)
    unregistered = upload("22", "2061", SILENT_MN, AIR_HOUR, when)
    wrong_st = upload("21", "2061", AIR_MN, AIR_HOUR, when)
    wrong_pw = upload("22", "2061", AIR_MN, AIR_HOUR, when, pw="000000")
    good = upload("22", "2061", AIR_MN, AIR_HOUR, when + dt.timedelta(hours=1))
    with station_server.connect() as sock:
        sock.sendall(unregistered + wrong_st + wrong_pw + good)
        (ack,) = read_packets(sock, 1)  # only the good upload is acknowledged
    assert decode(ack).qn == decode(good).qn
    url = station_server.server.url
    with session_scope(url) as session:
        refused = [(q.reason, q.mn) for q in session.scalars(select(QuarantinedPacket).order_by(QuarantinedPacket.id))]
        hours = [r.hour for r in session.scalars(select(AirReading))]
        stored = session.scalar(select(func.count()).select_from(Reading).where(Reading.mn == SILENT_MN))
    assert refused == [("MONITOR_UNKNOWN_MN", SILENT_MN), ("ENV_WRONG_MEDIUM", AIR_MN), ("MONITOR_WRONG_PW", AIR_MN)]
    assert hours == [9] and stored == 0


def test_a_station_that_cannot_be_derived_holds_up_nobody(stations_db, tmp_path) -> None:
    """A1 re-imported as a water section but not registered again: its ST=22 upload still passes the server's
    checks, the environment rows cannot be made (ENV_WRONG_MEDIUM), and yet the batch commits — the station's
    readings and a wastewater outlet's upload are stored and both are acknowledged."""
    path = tmp_path / "changed.csv"
    path.write_text(STATIONS.replace("A1,哈达湾站,air,船营区,,,,", "A1,哈达湾站,water,船营区,river,松花江,III,"),
                    encoding="utf-8")
    assert run_cli("import", "stations", str(path), env=env(stations_db)).exit_code == 0
    running = RunningServer(stations_db, ServerConfig(host="127.0.0.1", port=0, idle_timeout=5, backfill=False))
    try:
        wastewater = build(st="32", cn="2061", pw="123456", mn=WASTEWATER_MN, qn="20240602090000001",
                           flag=make_flag("2017", ack=True), values={"w01018": {"Avg": 40.1, "Flag": "N"}},
                           data_time=dt.datetime(2024, 6, 2, 8, tzinfo=CST))
        with running.connect() as sock:
            sock.sendall(upload("22", "2061", AIR_MN, AIR_HOUR, dt.datetime(2024, 6, 2, 8, tzinfo=CST)) + wastewater)
            acks = [decode(a) for a in read_packets(sock, 2)]
    finally:
        running.stop()
    assert sorted(a.mn for a in acks) == sorted([AIR_MN, WASTEWATER_MN])
    with session_scope(stations_db) as session:
        stored = set(session.scalars(select(Reading.mn).distinct()))
        derived = session.scalar(select(func.count()).select_from(AirReading)) + session.scalar(
            select(func.count()).select_from(WaterSample))
    assert stored == {AIR_MN, WASTEWATER_MN} and derived == 0


def test_a_captured_station_stream_loaded_from_a_file_gives_the_same_rows(stations_db, tmp_path) -> None:
    """``ecer monitor ingest FILE`` (a data logger's saved packets) derives station hours as the server does."""
    path = tmp_path / "station.txt"
    path.write_bytes(b"".join(upload("22", "2061", AIR_MN, AIR_HOUR, dt.datetime(2024, 6, 2, h, tzinfo=CST))
                              for h in range(24)))
    result = run_cli("monitor", "ingest", str(path), "--json", env=env(stations_db))
    assert result.exit_code == 0, result.stderr
    with session_scope(stations_db) as session:
        hours = [r.hour for r in session.scalars(select(AirReading).order_by(AirReading.hour))]
        calendar = page_data(session, active_plan(session), 2024)["daily_aqi"]["A1"]
    assert hours == list(range(24))
    assert [d["aqi"] for d in calendar if d["date"] == DAY] == [210]
