"""``ecer lake write --live``: the lake writer also fills the single-node live tables (issue 9 §2), on SQLite
and PostgreSQL, with a real nats-server and the real gateway.

Packets go through the gateway (9014 after JetStream stored them); the writer stores them in the lake
and in ``monitoring_readings`` the way ``ecer monitor serve`` does, and the web's 在线监测 API shows
them. Uploads older than their horizon are not copied; a replay of the whole log (the durable
consumer deleted) stores nothing twice; a meter reading sent to the meter API with the log on
reaches ``meter_readings`` and the month quality check counts it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.cp import CST
from ecer.scale import synthetic
from ecer.scale.gateway import Gateway
from tests.conftest import run_cli
from tests.scale.conftest import need_module
from tests.scale.helpers import outlets, sources

HOURS = 4
CREDIT = "91220200MA17XK0C3"


def _now_hour() -> dt.datetime:
    return dt.datetime.now(CST).replace(minute=0, second=0, microsecond=0)


def _realtime(outlet: synthetic.Outlet, when: dt.datetime) -> bytes:
    """A 2011 real-time upload (C.14) of one outlet at ``when``."""
    src = outlet.source
    code = "a21002" if outlet.st == "31" else "w01018"
    return builder.build(st=outlet.st, cn="2011", pw=src.pw, mn=src.mn, qn=builder.make_qn(when),
                         flag=builder.make_flag("2017", ack=True), data_time=when,
                         values={code: {"Rtd": 12.5, "Flag": "N"}})


def _traffic(outs: list[synthetic.Outlet]) -> tuple[list[bytes], list[bytes]]:
    """(uploads the live tables keep, uploads too old for them): hourly uploads of the last hours and
    of 400 days ago (past the 366 days of roll-ups), real-time ones of an hour and of 10 days ago."""
    now = _now_hour()
    recent = list(synthetic.traffic(outs, now - dt.timedelta(hours=HOURS + 1), HOURS))
    recent += [_realtime(o, now - dt.timedelta(minutes=30)) for o in outs]
    old = list(synthetic.traffic(outs[:2], now - dt.timedelta(days=400), 1, seed=5))
    old += [_realtime(o, now - dt.timedelta(days=10)) for o in outs[:3]]
    return recent, old


async def _through_gateway(nats_url: str, outs: list[synthetic.Outlet], data: list[bytes]) -> bytes:
    from ecer.scale.log.jetstream import JetStreamLog

    log = await JetStreamLog.connect(nats_url)
    gateway = Gateway(log, sources(outs), host="127.0.0.1", port=0)
    await gateway.start()
    host, port = gateway.sockets[0]
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"".join(data))
    await writer.drain()
    got = b""
    while got.count(b"CN=9014") < len(data):
        got += await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    await gateway.stop()
    await log.close()
    return got


def _delete_consumers(nats_url: str) -> None:
    """Forget where the writers were: the next run reads the whole log again (a replay)."""
    import nats

    from ecer.scale.log.jetstream import STREAM

    async def main() -> None:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        for name in ("lake-w0of1", "lake-meters-w0of1"):
            await js.delete_consumer(STREAM, name)
        await nc.close()

    asyncio.run(main())


def _acknowledged(nats_url: str, consumer: str) -> int:
    """The log position up to which ``consumer`` acknowledged."""
    import nats

    from ecer.scale.log.jetstream import STREAM

    async def main() -> int:
        nc = await nats.connect(nats_url)
        info = await nc.jetstream().consumer_info(STREAM, consumer)
        await nc.close()
        return int(info.ack_floor.stream_seq)

    return asyncio.run(main())


def _register(url: str, outs: list[synthetic.Outlet]) -> None:
    from ecer.services.monitoring import register_source
    from ecer.storage.sources import PollutantSpec, SourceSpec

    for i, o in enumerate(outs):
        kind, codes = ("flue_gas", ("a21002", "a24088")) if o.st == "31" else ("wastewater", ("w01018", "w21003"))
        register_source(url, SourceSpec(mn=o.source.mn, pw=o.source.pw, enterprise=f"企业{i}", outlet=f"排口{i}",
                                        kind=kind, region=o.source.region, st=o.st,
                                        pollutants=tuple(PollutantSpec(c) for c in codes)), "test")


def _write(nats_url: str, lake: Path, url: str, *extra: str) -> dict:
    result = run_cli("lake", "write", "--log", nats_url, "--to", str(lake), "--drain", "1", "--live", "--json",
                     *extra, env={"ECER_DATABASE_URL": url})
    assert result.exit_code == 0, result.stderr
    return result.json()[0]


def _readings(url: str) -> list[tuple]:
    from ecer.storage.db import session_scope
    from ecer.storage.monitoring import Reading

    with session_scope(url) as session:
        query = select(Reading.mn, Reading.cn, Reading.data_time, Reading.code, Reading.avg, Reading.rtd)
        return sorted(tuple(r) for r in session.execute(query))


def _expected(data: list[bytes]) -> list[tuple]:
    """The rows ``ecer monitor serve`` would store for these packets (codec, by hand of the test)."""
    rows = []
    for raw in data:
        p = decode(raw)
        for code, item in p.values.items():
            rows.append((p.mn, p.cn, p.data_time.astimezone(dt.UTC), code, item.get("Avg"), item.get("Rtd")))
    return sorted(rows)


def _utc(rows: list[tuple]) -> list[tuple]:
    """SQLite gives naive UTC back."""
    return [(mn, cn, t if t.tzinfo else t.replace(tzinfo=dt.UTC), *rest) for mn, cn, t, *rest in rows]


@pytest.fixture
def live_db(database_url: str, nats_url: str):
    need_module("pyarrow")
    assert run_cli("init", env={"ECER_DATABASE_URL": database_url}).exit_code == 0
    outs = outlets(6)
    _register(database_url, outs)
    return database_url, nats_url, outs


def test_gateway_packets_reach_the_live_tables_and_the_source_view_once(live_db, tmp_path: Path) -> None:
    url, nats_url, outs = live_db
    recent, old = _traffic(outs)
    acks = asyncio.run(_through_gateway(nats_url, outs, recent + old))
    assert acks.count(b"CN=9014") == len(recent) + len(old)
    lake = tmp_path / "lake"
    assert _readings(url) == []  # with the log on, the gateway inserts nothing

    stats = _write(nats_url, lake, url)
    assert stats["records"] == len(recent) + len(old)  # the lake keeps everything
    assert stats["rows"] == len(_expected(recent + old))
    assert (stats["live_packets"], stats["live_old"], stats["live_refused"]) == (len(recent), len(old), 0)
    stored = _utc(_readings(url))
    assert stored == _expected(recent)  # nothing older than its CN's horizon

    # the web's 在线监测 source view: each outlet's last hour and its values
    from ecer.services.users import create_user
    from ecer.storage.db import session_scope
    from tests.web.conftest import PASSWORD, login

    with session_scope(url) as session:
        create_user(session, username="root", password=PASSWORD, role="admin", actor="test")
    api = login(url, "root").client
    page = api.get("/api/v1/monitoring/sources").json()
    assert page["total"] == len(outs)
    by_mn = {r["mn"]: r for r in page["items"]}
    for raw in recent[-len(outs) * 2:-len(outs)]:  # the last hour's uploads
        packet = decode(raw)
        row = by_mn[packet.mn]
        assert row["last_data_time"] == packet.data_time.astimezone(CST).isoformat()
        assert row["latest_values"] == {code: item["Avg"] for code, item in packet.values.items()}
    mn = outs[0].source.mn
    shown = api.get("/api/v1/monitoring/readings", params={"mn": mn, "page_size": 500}).json()
    assert shown["total"] == sum(1 for r in stored if r[0] == mn)

    # a replay of the whole log: the lake files are rewritten, the live tables gain nothing
    _delete_consumers(nats_url)
    again = _write(nats_url, lake, url)
    assert again["records"] == len(recent) + len(old) and again["live_packets"] == len(recent)
    assert _utc(_readings(url)) == stored


def test_members_store_their_own_share(live_db, tmp_path: Path) -> None:
    """Two writer members (outlets shared by CRC-32 of the MN): each copies its share, together everything."""
    from ecer.scale.lake.rows import share_of

    url, nats_url, outs = live_db
    recent, _old = _traffic(outs)
    asyncio.run(_through_gateway(nats_url, outs, recent))
    done = [_write(nats_url, tmp_path / "lake", url, "--member", str(m), "--members", "2") for m in (0, 1)]
    mine = [sum(1 for raw in recent if share_of(decode(raw).mn, 2) == m) for m in (0, 1)]
    assert [d["live_packets"] for d in done] == mine and 0 < mine[0] < len(recent)
    assert _utc(_readings(url)) == _expected(recent)


def test_live_db_names_the_database(live_db, tmp_path: Path) -> None:
    """``--live-db URL`` wins over ``ECER_DATABASE_URL`` (here a database never initialised)."""
    url, nats_url, outs = live_db
    recent, _old = _traffic(outs)
    asyncio.run(_through_gateway(nats_url, outs, recent[:len(outs)]))
    result = run_cli("lake", "write", "--log", nats_url, "--to", str(tmp_path / "lake"), "--drain", "1",
                     "--live-db", url, "--json", env={"ECER_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"})
    assert result.exit_code == 0, result.stderr
    assert result.json()[0]["live_packets"] == len(outs)
    assert _utc(_readings(url)) == _expected(recent[:len(outs)])


def test_no_acknowledgement_before_the_database_committed(live_db, tmp_path: Path) -> None:
    """A database that refuses the readings (a trigger, SQLite) stops the writer before it acknowledges:
    the next run gets every record again and stores them; the lake holds each row once."""
    url, nats_url, outs = live_db
    if not url.startswith("sqlite"):
        pytest.skip("the refusing trigger is written for SQLite")
    import sqlite3

    recent, _old = _traffic(outs)
    asyncio.run(_through_gateway(nats_url, outs, recent))
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON monitoring_readings BEGIN SELECT RAISE(ABORT, 'down'); END")
    lake = tmp_path / "lake"
    failed = run_cli("lake", "write", "--log", nats_url, "--to", str(lake), "--drain", "1", "--live",
                     env={"ECER_DATABASE_URL": url})  # after three tries the writer stops with the reason
    assert failed.exit_code != 0
    assert "SCALE_LIVE_NOT_STORED" in failed.stderr and "down" in failed.stderr
    assert _readings(url) == []
    assert list(lake.rglob("*.parquet"))  # the files were complete, yet the log was not acknowledged:
    assert _acknowledged(nats_url, "lake-w0of1") == 0
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER refuse")
    _delete_consumers(nats_url)  # a restarted writer would get them again after the ack wait (120 s)
    again = _write(nats_url, lake, url)
    assert again["records"] == len(recent) and again["live_packets"] == len(recent)
    assert _utc(_readings(url)) == _expected(recent)
    import pyarrow.dataset as ds

    assert ds.dataset(str(lake), format="parquet", partitioning="hive").count_rows() == len(_expected(recent))


def test_retention_deletes_what_grows_older_than_live_days(live_db, tmp_path: Path) -> None:
    """With 30 days the real-time upload of 10 days ago is kept; a writer started with 7 days deletes it
    through the monitoring retention (``monitoring_retention`` lowered to 7 days for 2011)."""
    url, nats_url, outs = live_db
    recent, old = _traffic(outs)
    asyncio.run(_through_gateway(nats_url, outs, recent + old))
    lake = tmp_path / "lake"
    first = _write(nats_url, lake, url, "--live-days", "30")
    assert first["live_old"] == 2  # the hourly ones of 400 days ago only
    ten_days = [r for r in _utc(_readings(url)) if r[1] == "2011" and r[2] < dt.datetime.now(dt.UTC) - dt.timedelta(days=7)]
    assert len(ten_days) == 3
    second = _write(nats_url, lake, url, "--live-days", "7")
    assert second["records"] == 0 and second["live_deleted"] == 3
    assert _utc(_readings(url)) == _expected(recent)
    listed = run_cli("monitor", "retention", "list", "--json", env={"ECER_DATABASE_URL": url}).json()
    assert {r["cn"]: r["days"] for r in listed} == {"2011": 7, "2051": 7, "2021": 7, "2081": 7,
                                                   "2061": 366, "2031": 366, "2041": 366}


def test_meter_reading_reaches_meter_readings_and_the_quality_check(live_db, tmp_path: Path) -> None:
    from ecer.domain.energy.key_units import credit_code_check_character
    from ecer.services import meter_log
    from ecer.services.meter_data import month_quality
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import units
    from ecer.storage.key_units import MeterReading
    from ecer.web.app import create_app

    url, nats_url, _outs = live_db
    env = {"ECER_DATABASE_URL": url}
    credit = CREDIT + credit_code_check_character(CREDIT)
    added = run_cli("units", "add", "--credit-code", credit, "--name", "甲水泥", "--industry-code", "C3011",
                    "--industry-name", "水泥制造", "--region", "磐石市", env=env)
    assert added.exit_code == 0, added.stderr
    token = run_cli("tokens", "create", credit, "--label", "网关", "--json", env=env).json()[0]["token"]
    plain, logged = create_app(url), create_app(url)
    logged.state.log_url = nats_url
    headers = {"Authorization": f"Bearer {token}"}
    r = TestClient(plain, headers=headers).post("/api/v1/energy/meters", json={"credit_code": credit, "meters": [
        {"code": "E01", "carrier": "电力", "unit": "kWh"}]})
    assert r.status_code == 200, r.text
    april = [{"meter": "E01", "at": f"2024-04-{d:02d}T00:00:00", "period": "day", "value": str(100 + d),
              "unit": "kWh"} for d in range(1, 31)]
    april.append({"meter": "E01", "at": "2024-04-01T00:00:00", "period": "month", "value": "3465", "unit": "kWh"})
    try:
        sent = TestClient(logged, headers=headers).post("/api/v1/energy/data",
                                                        json={"credit_code": credit, "readings": april})
        assert sent.status_code == 200 and sent.json()["stored"] == len(april), sent.text
    finally:
        meter_log.close(nats_url)
    with session_scope(url) as session:
        assert session.scalar(select(func.count()).select_from(MeterReading)) == 0  # the log path inserts nothing

    stats = _write(nats_url, tmp_path / "lake", url)
    assert (stats["meter_records"], stats["live_meter_stored"]) == (len(april), len(april))
    with session_scope(url) as session:
        unit = next(u for u in units(session, None) if u.credit_code == credit)
        (quality,) = month_quality(session, unit, 2024, 4)
        values = sorted(session.scalars(select(MeterReading.value)))
    assert quality["daily_readings"] == 30 and quality["completeness_ok"] and quality["deviation_ok"]
    assert quality["daily_sum"] == Decimal(sum(100 + d for d in range(1, 31))) == quality["monthly_value"]
    assert values == sorted(Decimal(item["value"]) for item in april)

    _delete_consumers(nats_url)  # replay: nothing stored twice
    again = _write(nats_url, tmp_path / "lake", url)
    assert (again["meter_records"], again["live_meter_stored"], again["live_meter_duplicates"]) == (
        len(april), 0, len(april))
    with session_scope(url) as session:
        assert session.scalar(select(func.count()).select_from(MeterReading)) == len(april)
