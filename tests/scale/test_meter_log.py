"""Energy-meter readings on the log (issue 9): the upload answers after JetStream stored it, the lake
writer turns the readings into Parquet, and the lake's metered totals (DuckDB, Spark) equal the
single-node path's (``meter_data.meter_month_totals`` over the database) on the same readings."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecer.domain.energy.conversion import coefficient
from ecer.domain.energy.key_units import credit_code_check_character
from tests.conftest import run_cli
from tests.scale.conftest import need_module

YEAR = 2024
#: credit code (first 17), name, region, meters (code, carrier, unit)
UNITS = [("91220200MA17XK0C3", "甲水泥", "磐石市", [("E01", "电力", "kWh"), ("G01", "天然气", "立方米")]),
         ("91220200MA17XK0D1", "乙钢铁", "磐石市", [("E01", "电力", "kWh"), ("C01", "原煤", "吨")]),
         ("91220200MA17XK0E9", "丙化工", "蛟河市", [("E01", "电力", "MWh")])]


def code(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


def batch(meters: list[tuple[str, str, str]], salt: int) -> list[dict[str, str]]:
    """Daily readings from 30 March to 2 May (one stamped 23:30, counting for the next day), in mixed
    units; one meter also sends April's monthly reading, which replaces its daily sum for April."""
    readings = []
    for n, (meter, _carrier, unit) in enumerate(meters):
        for day in range(34):
            at = dt.datetime(YEAR, 3, 30) + dt.timedelta(days=day)
            value = Decimal(100 + 7 * n + salt) + Decimal(day) / 8
            if day == 5:
                at -= dt.timedelta(minutes=30)
            if unit == "kWh" and day % 3 == 0:  # sent in MWh, converted to the meter's kWh
                readings.append({"meter": meter, "at": at.isoformat(), "period": "day",
                                 "value": str(value / 1000), "unit": "MWh"})
            else:
                readings.append({"meter": meter, "at": at.isoformat(), "period": "day", "value": str(value),
                                 "unit": unit})
    meter, _carrier, unit = meters[0]
    readings.append({"meter": meter, "at": f"{YEAR}-04-01T00:00:00", "period": "month", "value": "3000.5",
                     "unit": unit})
    return readings


@pytest.fixture
def units(database_url: str, nats_url: str):
    """Three units in two regions with meters; per unit a client without a log and one with it."""
    need_module("duckdb")
    from ecer.services import meter_log
    from ecer.web.app import create_app

    env = {"ECER_DATABASE_URL": database_url}
    assert run_cli("init", env=env).exit_code == 0
    plain, logged = create_app(database_url), create_app(database_url)
    logged.state.log_url = nats_url
    made = []
    for first17, name, region, meters in UNITS:
        credit = code(first17)
        added = run_cli("units", "add", "--credit-code", credit, "--name", name, "--industry-code", "C3011",
                        "--industry-name", "水泥制造", "--region", region, env=env)
        assert added.exit_code == 0, added.stderr
        token = run_cli("tokens", "create", credit, "--label", "网关", "--json", env=env).json()[0]["token"]
        clients = [TestClient(app, headers={"Authorization": f"Bearer {token}"}) for app in (plain, logged)]
        r = clients[0].post("/api/v1/energy/meters", json={"credit_code": credit, "meters": [
            {"code": c, "carrier": carrier, "unit": unit} for c, carrier, unit in meters]})
        assert r.status_code == 200, r.text
        made.append((credit, meters, *clients))
    yield made, database_url, nats_url
    meter_log.close(nats_url)


def drain(nats_url: str, lake: Path) -> int:
    from ecer.scale.lake.meter_writer import run_meter_writer
    from ecer.scale.log.jetstream import JetStreamLog

    async def main() -> int:
        log = await JetStreamLog.connect(nats_url)
        try:
            return (await run_meter_writer(log, str(lake), idle_exit=1.0, window=50)).records
        finally:
            await log.close()

    return asyncio.run(main())


def single_node_totals(url: str) -> dict[tuple[str, int, str], tuple[Decimal, Decimal]]:
    """(region, month, carrier) → (amount, tce) from the database path (当量值, Table A.1 coefficient)."""
    from ecer.services.meter_data import meter_month_totals
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import units

    sums: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    with session_scope(url) as session:
        for unit in units(session, None):
            for month in range(1, 13):
                for carrier, amount in meter_month_totals(session, unit, YEAR, month).items():
                    sums[(unit.region, month, carrier)] += amount
    return {key: (amount, amount * coefficient(key[2]).value / 1000) for key, amount in sums.items()}


def test_log_path_is_durable_and_its_lake_totals_equal_the_database_path(units, tmp_path: Path) -> None:
    from ecer.scale.meters import MeterMessage
    from ecer.services import meter_log
    from ecer.services.lake import aggregate
    from ecer.storage.db import session_scope
    from ecer.storage.lake import energy_totals_for

    made, url, nats_url = units
    sent = 0
    for salt, (credit, meters, plain, logged) in enumerate(made):
        readings = batch(meters, salt)
        sent += len(readings)
        to_db = plain.post("/api/v1/energy/data", json={"credit_code": credit, "readings": readings})
        to_log = logged.post("/api/v1/energy/data", json={"credit_code": credit, "readings": readings})
        assert to_db.status_code == to_log.status_code == 200, to_log.text
        assert to_log.json() == to_db.json() == {"received": len(readings), "stored": len(readings),
                                                 "duplicates": 0, "conflicts": []}
        again = logged.post("/api/v1/energy/data", json={"credit_code": credit, "readings": readings})
        assert (again.json()["stored"], again.json()["duplicates"]) == (0, len(readings))  # dedup window
    # a copy with another value re-sent after the deduplication window: the lake keeps the first
    credit, meters, *_ = made[0]
    meter, carrier, unit = meters[1]  # daily readings only (the first meter's April monthly reading wins)
    late = MeterMessage(credit, "磐石市", meter, coefficient(carrier).carrier, unit, "day", dt.datetime(YEAR, 4, 2),
                        Decimal("99999"))
    journal = meter_log.journal(nats_url)
    assert journal is not None
    assert not journal.store([(late.subject, late.encode(), late.msg_id + "|late")])[0].duplicate

    lake = tmp_path / "lake"
    assert drain(nats_url, lake) == sent + 1
    expected = single_node_totals(url)
    _, energy = aggregate(url, "duckdb", str(lake), YEAR)
    assert {(t.region, t.month, t.carrier): (t.amount, t.tce) for t in energy} == expected
    assert {(t.region, t.month) for t in energy} == {(r, m) for _, _, r, _ in UNITS for m in (3, 4, 5)}
    with session_scope(url) as session:
        assert [(s.region, s.month, s.carrier, s.units) for s in energy_totals_for(session, YEAR)] == [
            (t.region, t.month, t.carrier, t.units) for t in energy]
    assert drain(nats_url, lake) == 0  # acknowledged: nothing comes again
    assert aggregate(None, "duckdb", str(lake), YEAR)[1] == energy


def test_bad_batch_is_refused_as_before_and_nothing_is_logged(units) -> None:
    from ecer.scale.log.jetstream import JetStreamLog

    made, _url, nats_url = units
    credit, meters, plain, logged = made[0]
    bad = [*batch(meters, 0)[:3], {"meter": "X9", "at": "2024-04-01T00:00:00", "period": "day", "value": "1",
                                  "unit": "kWh"},
           {"meter": meters[0][0], "at": "2024-04-01T00:00:00", "period": "day", "value": "1", "unit": "吨"}]
    to_db = plain.post("/api/v1/energy/data", json={"credit_code": credit, "readings": bad})
    to_log = logged.post("/api/v1/energy/data", json={"credit_code": credit, "readings": bad})
    assert to_log.status_code == to_db.status_code != 200
    assert to_log.json() == to_db.json()
    other = made[1][0]
    assert logged.post("/api/v1/energy/data", json={"credit_code": other, "readings": []}).status_code == 403

    async def messages() -> int:
        log = await JetStreamLog.connect(nats_url)
        try:
            return (await log.stream_state())["messages"]
        finally:
            await log.close()

    assert asyncio.run(messages()) == 0


def test_stream_made_with_the_old_subjects_gains_the_meter_subjects(nats_url: str) -> None:
    from ecer.scale.log.jetstream import STREAM, SUBJECTS, JetStreamLog

    async def main() -> list[str]:
        import nats
        from nats.js.api import StreamConfig

        nc = await nats.connect(nats_url)
        await nc.jetstream().add_stream(StreamConfig(name=STREAM, subjects=["hj212.>", "hj212q.>"]))
        await nc.jetstream().publish("hj212.r.m", b"kept", headers={"Nats-Msg-Id": "a"})
        await nc.close()
        log = await JetStreamLog.connect(nats_url)
        try:
            stored = await log.publish("meter.r.c", b"{}", "c|m|day|t")
            assert stored.seq == 2  # the old message is still there
            return list((await log.js.stream_info(STREAM)).config.subjects)
        finally:
            await log.close()

    assert asyncio.run(main()) == SUBJECTS


def test_spark_and_duckdb_agree_on_the_meter_lake(spark_home: str, tmp_path: Path) -> None:
    need_module("duckdb")
    from ecer.scale.engines import duckdb_engine, spark_engine
    from ecer.scale.lake.meter_writer import MeterFiles
    from ecer.scale.log.base import Record
    from ecer.scale.meters import MeterMessage

    records = []
    for salt, (first17, _name, region, meters) in enumerate(UNITS):
        for item in batch(meters, salt):
            carrier, unit = next((c, u) for m, c, u in meters if m == item["meter"])
            factor = Decimal(1000) if (item["unit"], unit) == ("MWh", "kWh") else Decimal(1)
            message = MeterMessage(code(first17), region, item["meter"], coefficient(carrier).carrier, unit,
                                   item["period"], dt.datetime.fromisoformat(item["at"]),
                                   Decimal(item["value"]) * factor)
            records.append(Record(message.subject, message.encode(), len(records) + 1))
    MeterFiles(str(tmp_path), window=64).write(records)
    with_duckdb = duckdb_engine.aggregate_energy(str(tmp_path), YEAR)
    assert len(with_duckdb) == 3 * 3 + 3  # 磐石市: 3 carriers × 3 months; 蛟河市: electricity × 3 months
    assert spark_engine.aggregate_energy(str(tmp_path), YEAR, master="local[1]") == with_duckdb
