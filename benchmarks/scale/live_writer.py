"""The lake writer with and without the live tables (``ecer lake write --live``), in one run.

One nats-server (R1) on loopback holds ``--packets`` hourly HJ 212 uploads of the last days (so the
live copy keeps them all), another ``--meter-readings`` meter readings. The same log is written by one
writer member three ways, alternating ``--repeat`` times, each run reading the whole log again (its
durable consumers deleted) into a fresh lake directory and, for the live runs, an emptied
``monitoring_readings`` / ``meter_readings``:

* ``lake``: Parquet only (``ecer lake write``),
* ``lake + SQLite``: also the live tables in a SQLite file,
* ``lake + PostgreSQL``: also the live tables in PostgreSQL at ``--pg`` (a scratch database, dropped after).

Readings/s = the writer's rows / wall seconds (the ``--drain`` idle second not counted). Everything
shares the machine's two cores with whatever else runs: compare the three within one run. Synthetic data
only (合成演示数据). Usage::

    flock /tmp/bench.lock .venv/bin/python benchmarks/scale/live_writer.py --packets 60000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.conftest import run_cli
from tests.scale.conftest import _nodes, need_binary

IDLE = 1.0  # s without records before a run ends


def report(name: str, values: list[float], unit: str, extra: str = "") -> None:
    shown = ", ".join(f"{v:,.0f}" for v in values)
    print(f"{name:<34} median {statistics.median(values):>10,.0f} {unit}  ({shown}) {extra}", flush=True)


async def fill_packets(url: str, count: int, outlets: int) -> list[Any]:
    from ecer.protocol.hj212.cp import CST
    from ecer.scale import synthetic
    from ecer.scale.log.jetstream import JetStreamLog
    from ecer.scale.routing import route

    outs = synthetic.outlets(outlets)
    now = dt.datetime.now(CST).replace(minute=0, second=0, microsecond=0)
    hours = count // outlets + 1
    data = list(synthetic.traffic(outs, now - dt.timedelta(hours=hours + 1), hours))[:count]
    table = {o.source.mn: o.source for o in outs}
    log = await JetStreamLog.connect(url)
    for start in range(0, len(data), 5000):
        receipts = []
        for raw in data[start:start + 5000]:
            r = route(raw, table)
            receipts.append(await log.submit(r.subject, raw, r.msg_id))
        await asyncio.gather(*receipts)
    await log.close()
    return outs


async def fill_meters(url: str, units: list[tuple[str, str]], per_unit: int) -> None:
    from ecer.scale.log.jetstream import JetStreamLog
    from ecer.scale.meters import MeterMessage

    log = await JetStreamLog.connect(url)
    for credit, region in units:
        receipts = []
        for i in range(per_unit):
            m = MeterMessage(credit, region, f"E{i % 27:02d}", "electricity", "kWh", "day",
                             dt.datetime(2024, 1, 1) + dt.timedelta(days=i // 27), Decimal(100 + i % 97))
            receipts.append(await log.submit(m.subject, m.encode(), m.msg_id))
        await asyncio.gather(*receipts)
    await log.close()


async def forget(url: str) -> None:
    """Delete the writer's durable consumers: the next run reads the whole log again."""
    import nats

    from ecer.scale.log.jetstream import STREAM

    nc = await nats.connect(url)
    js = nc.jetstream()
    for name in ("lake-w0of1", "lake-meters-w0of1"):
        with contextlib.suppress(nats.js.errors.NotFoundError):  # not there yet
            await js.delete_consumer(STREAM, name)
    await nc.close()


async def write(url: str, lake: str, live_url: str | None) -> tuple[int, int, float, dict[str, Any]]:
    """(HJ 212 rows, meter rows, wall seconds, live counters) of one run."""
    from ecer.scale.lake.live import LiveOptions, run_live_writers
    from ecer.scale.lake.meter_writer import run_meter_writer
    from ecer.scale.lake.writer import WriterStats, run_writer
    from ecer.scale.log.jetstream import JetStreamLog

    await forget(url)
    log = await JetStreamLog.connect(url)
    started = time.perf_counter()
    if live_url is None:
        stats, meters = WriterStats(), WriterStats()
        await asyncio.gather(run_writer(log, lake, idle_exit=IDLE, stats=stats),
                             run_meter_writer(log, lake, idle_exit=IDLE, stats=meters))
        live: dict[str, Any] = {}
    else:
        stats, meters, live_stats = await run_live_writers(log, lake, LiveOptions(live_url), idle_exit=IDLE)
        live = live_stats.as_dict()
    seconds = time.perf_counter() - started - IDLE
    await log.close()
    return stats.rows, meters.rows, seconds, live


def empty_live(url: str) -> None:
    from sqlalchemy import delete

    from ecer.storage.db import session_scope
    from ecer.storage.key_units import MeterReading
    from ecer.storage.monitoring import Reading

    with session_scope(url) as session:
        session.execute(delete(Reading))
        session.execute(delete(MeterReading))


def prepare(url: str, outs: list[Any], units: int) -> list[tuple[str, str]]:
    """Schema, the outlets as registered sources, key units with 27 electricity meters each."""
    from ecer.domain.energy.key_units import credit_code_check_character
    from ecer.services.monitoring import register_source
    from ecer.storage import meter_data
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import units as all_units
    from ecer.storage.sources import SourceSpec

    env = {"ECER_DATABASE_URL": url}
    assert run_cli("init", env=env).exit_code == 0
    for i, o in enumerate(outs):
        register_source(url, SourceSpec(mn=o.source.mn, pw=o.source.pw, enterprise=f"企业{i}", outlet="排口",
                                        kind="flue_gas" if o.st == "31" else "wastewater", region=o.source.region,
                                        st=o.st), "bench")
    made = []
    for i in range(units):
        first17 = f"91220200MA17XK{i:03d}"
        credit = first17 + credit_code_check_character(first17)
        assert run_cli("units", "add", "--credit-code", credit, "--name", f"单位{i}", "--industry-code", "C3011",
                       "--industry-name", "水泥制造", "--region", "磐石市", env=env).exit_code == 0
        made.append((credit, "磐石市"))
    with session_scope(url) as session:
        for unit in all_units(session, None):
            for m in range(27):
                meter_data.upsert_meter(session, unit.id, f"E{m:02d}", f"电表{m}", "electricity", "kWh")
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packets", type=int, default=60_000)
    parser.add_argument("--outlets", type=int, default=300)
    parser.add_argument("--units", type=int, default=4)
    parser.add_argument("--meter-readings", type=int, default=9_882, help="per unit")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("ECER_TEST_PG_URL",
                                                       "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    from sqlalchemy import create_engine, text

    tmp = Path(tempfile.mkdtemp(prefix="ecer-live-bench-"))
    (node,) = _nodes(tmp, 1)
    node.start(need_binary("nats-server", "nats-server"), tmp / "nats.log")
    scratch = f"ecer_live_bench_{os.getpid()}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {scratch}"))
    pg = args.pg.rsplit("/", 1)[0] + f"/{scratch}"
    sqlite = f"sqlite:///{tmp / 'live.sqlite3'}"
    try:
        outs = asyncio.run(fill_packets(node.url, args.packets, args.outlets))
        targets: dict[str, str | None] = {"lake": None, "lake + SQLite": sqlite, "lake + PostgreSQL": pg}
        units: list[tuple[str, str]] = []
        for url in (sqlite, pg):
            units = prepare(url, outs, args.units)
        asyncio.run(fill_meters(node.url, units, args.meter_readings))
        print(f"{args.packets} uploads of {args.outlets} outlets, {args.units} × {args.meter_readings} meter "
              f"readings; {args.repeat} rounds, alternating", flush=True)
        rates: dict[str, list[float]] = {name: [] for name in targets}
        db_share: dict[str, list[float]] = {name: [] for name in targets}
        for round_ in range(args.repeat):
            for name, url in targets.items():
                if url is not None:
                    empty_live(url)
                lake = str(tmp / f"lake-{round_}-{len(db_share[name])}-{list(targets).index(name)}")
                rows, meter_rows, seconds, live = asyncio.run(write(node.url, lake, url))
                rates[name].append((rows + meter_rows) / seconds)
                if live:
                    db_share[name].append(100 * live["live_db_seconds"] / seconds)
                    assert live["live_packets"] == args.packets, live
                    assert live["live_meter_stored"] == args.units * args.meter_readings, live
                print(f"  round {round_ + 1} {name:<18} {rows:>8} + {meter_rows:>6} readings in {seconds:6.2f} s"
                      + (f"  (database {live['live_db_seconds']:.2f} s in {live['live_commits']} commits)"
                         if live else ""), flush=True)
        for name in targets:
            extra = f"database commits {statistics.median(db_share[name]):.0f}% of the wall time" if db_share[name] else ""
            report(name, rates[name], "readings/s", extra)
    finally:
        node.kill()
        admin.dispose()
        from ecer.storage.db import engine_for

        engine_for(pg).dispose()
        with create_engine(args.pg, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))


if __name__ == "__main__":
    main()
