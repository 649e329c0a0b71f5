"""HJ 212 ingestion hook: packets built by the codec's builder become environment rows (both databases)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecer.protocol.hj212.builder import build, make_flag, make_qn
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.cp import CST
from ecer.services.environment_hj212 import ingest_packets, readings_from_packet
from ecer.storage.db import session_scope
from tests.conftest import run_cli

AIR_MN = "220200000000000000000001"
WATER_MN = "220200000000000000000002"
STATIONS = f"""站点编码,名称,类型,所属地区,水体类型,所在水体,水质目标,MN
A1,甲站,air,船营区,,,,{AIR_MN}
W1,哈达湾,water,船营区,river,松花江,II,{WATER_MN}
"""


def packet(st: str, cn: str, mn: str, values: dict, when: dt.datetime):
    raw = build(st=st, cn=cn, pw="123456", mn=mn, qn=make_qn(when), flag=make_flag("2017", ack=True),
                values=values, data_time=when)
    decoded = decode(raw)
    assert decoded.ok, decoded.errors
    return decoded


HOUR = dt.datetime(2024, 6, 1, 13, 0, tzinfo=CST)
AIR_VALUES = {"a21026": {"Avg": 0.012, "Flag": "N"}, "a21005": {"Avg": 0.8, "Flag": "N"},
              "a34004": {"Avg": 35000, "Flag": "N"}, "a05024": {"Avg": 0.15, "Flag": "N"},
              "a21004": {"Avg": 0.031, "Flag": "D"}}


def test_hourly_air_packet_to_row() -> None:
    """SO2 0.012 mg/m³ → 12 μg/m³; PM2.5 35000 ng/m³ (B.2 default unit) → 35 μg/m³; CO stays mg/m³;
    the hour is the DataTime's (13); NO2 flagged D is kept as invalid."""
    rows = readings_from_packet(packet("22", "2061", AIR_MN, AIR_VALUES, HOUR), "A1", "air")
    assert len(rows) == 1
    row = rows[0]
    assert (row.date, row.hour) == (dt.date(2024, 6, 1), 13)
    assert row.values == {"SO2": Decimal(12), "CO": Decimal("0.8"), "PM2_5": Decimal(35), "O3_1h": Decimal(150),
                          "NO2": Decimal(31)}
    assert row.flags == {"NO2": "D"}


def test_realtime_packet_is_ignored() -> None:
    assert readings_from_packet(packet("22", "2011", AIR_MN, {"a21026": {"Rtd": 0.01}}, HOUR), "A1", "air") == []


def test_water_packet_converts_microgram_items() -> None:
    """w20119 总砷 is reported in μg/L (B.1 default): 12 μg/L → 0.012 mg/L for GB 3838."""
    p = packet("21", "2061", WATER_MN, {"w21003": {"Avg": 0.42, "Flag": "N"}, "w20119": {"Avg": 12, "Flag": "N"}},
               HOUR)
    row = readings_from_packet(p, "W1", "water")[0]
    assert row.values == {"NH3N": Decimal("0.42"), "As": Decimal("0.012")}
    assert row.sampled_at == dt.datetime(2024, 6, 1, 13, 0)


@pytest.fixture
def registered(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(STATIONS, encoding="utf-8")
    assert run_cli("import", "stations", path, env={"ECER_DATABASE_URL": db}).exit_code == 0
    return db


def test_ingest_stores_rows_and_raises_alarms(registered) -> None:
    """24 hourly packets of PM2.5 160 μg/m³ → daily mean 160 → IAQI 210 > 200: a heavy-pollution alarm.
    A water sample with NH3N 1.2 mg/L (IV) at a section whose target is II: a below-target alarm."""
    packets = [packet("22", "2061", AIR_MN, {"a34004": {"Avg": 160000, "Flag": "N"}},
                      dt.datetime(2024, 6, 2, h, tzinfo=CST)) for h in range(24)]
    packets.append(packet("21", "2061", WATER_MN, {"w21003": {"Avg": 1.2, "Flag": "N"}}, HOUR))
    packets.append(packet("22", "2061", "220200000000000000000099", {"a34004": {"Avg": 1}}, HOUR))
    with session_scope(registered) as session:
        result = ingest_packets(session, packets)
    assert (result["rows_added"], result["unknown_mn"], result["alarms_added"]) == (
        25, ["220200000000000000000099"], 2)
    with session_scope(registered) as session:
        again = ingest_packets(session, packets[:24])
    assert (again["rows_added"], again["rows_updated"]) == (0, 0)
    alarms = run_cli("environment", "alarms", "--json", env={"ECER_DATABASE_URL": registered}).json()
    assert [(a["kind"], a["value"]) for a in alarms] == [("below_target", "IV"), ("heavy_pollution", "210")]
