"""End-to-end HJ 212 ingest over loopback TCP, acknowledge-after-commit, into SQLite and PostgreSQL.

For each database: a fresh database is initialised, the simulated loggers are registered, the
server runs as its own process (``ecer monitor serve``) and the simulator (this process) sends
2011/2051/2061 uploads asking for acknowledgement at ``--rate`` packets/s for ``--duration``
seconds, checking every 9014. It then prints packets/s and readings/s sustained, the ack latency
percentiles and the counts sent = acknowledged = stored (distinct packets in the database).

Baseline measured in the same run: the same readings written straight through ``BatchWriter``
in batches (no network, no codec) — the storage ceiling the server cannot beat.
``--profile`` runs the server under cProfile and prints where its time goes.

    .venv/bin/python benchmarks/hj212_ingest/ingest.py              # full: 60 s per database
    .venv/bin/python benchmarks/hj212_ingest/ingest.py --quick      # smoke: a few seconds
    .venv/bin/python benchmarks/hj212_ingest/ingest.py --rate 8000 --sources 200 --db sqlite --profile

Goal (issue 3 §6): ≥ 5 000 packets/s end to end with nothing lost, on a 2-core machine shared
with the simulator; a province's load is 100–200 packets/s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from ecer.protocol.hj212.cp import CST
from ecer.server.simulator import SimulatorConfig, register_sources, simulate
from ecer.storage.db import upgrade
from ecer.storage.ingest import BatchWriter

PG_ADMIN_URL = os.environ.get("ECER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(kind: str, folder: Path) -> tuple[str, object]:
    """A new database URL and a cleanup callable."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'ingest.sqlite3'}", lambda: None
    name = f"ecer_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'create database "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def init(url: str) -> None:
    env = {**os.environ, "ECER_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "ecer.cli.main", "init"], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def start_server(url: str, port: int, profile: Path | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ECER_DATABASE_URL": url}
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    proc = subprocess.Popen([*prefix, "-m", "ecer.cli.main", "monitor", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--no-backfill"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def stored(url: str) -> tuple[int, int]:
    """(distinct packets, readings) in the database."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        readings = conn.execute(sa.text("select count(*) from monitoring_readings")).scalar_one()
        packets = conn.execute(sa.text(
            "select count(*) from (select distinct mn, cn, data_time from monitoring_readings) p")).scalar_one()
    engine.dispose()
    return packets, readings


def baseline(url: str, rows: int) -> float:
    """Readings/s written straight through BatchWriter in batches of 2 000 (storage ceiling)."""
    writer = BatchWriter(url)
    start = dt.datetime(2030, 1, 1, tzinfo=CST)
    now = dt.datetime.now(dt.UTC)
    batch, began = [], time.perf_counter()
    for i in range(rows):
        batch.append(("BASELINE00000000000000", "2011", start + dt.timedelta(seconds=i // 4), f"w0{i % 4}", 1.0,
                      None, None, None, None, None, None, "N", None, "q", now))
        if len(batch) == 2000:
            writer.write(batch)
            batch = []
    if batch:
        writer.write(batch)
    return rows / (time.perf_counter() - began)


def run_one(kind: str, args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        url, cleanup = fresh_database(kind, Path(folder))
        try:
            init(url)
            upgrade(url)
            config = SimulatorConfig(sources=args.sources, rate=args.rate, port=free_port(), duration=args.duration,
                                     malformed=args.malformed, disconnects=args.disconnects, drain=60,
                                     overtime=args.overtime)
            register_sources(url, config)
            profile = Path(folder) / "server.prof" if args.profile else None
            server = start_server(url, config.port, profile)
            try:
                report = asyncio.run(simulate(config))
            finally:
                server.terminate()  # clean shutdown: flush, acknowledge, exit
                server.wait(60)
            packets, readings = stored(url)
            report.update({"database": kind, "stored_packets": packets, "stored_readings": readings,
                           "readings_per_second": round(readings / float(report["sending_seconds"]), 1),
                           "baseline_write_readings_per_second": round(baseline(url, args.baseline_rows), 1)})
            report["sent_acknowledged_stored_equal"] = (
                report["sent"] == report["acknowledged"] + report["malformed"] == packets + report["malformed"])
            if profile is not None and profile.exists():
                print(f"--- server profile ({kind}), top 30 by own time ---")
                pstats.Stats(str(profile)).sort_stats("tottime").print_stats(30)
            return report
        finally:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds per database (smoke test)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--rate", type=float, default=6000.0, help="packets/s offered by the simulator")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--malformed", type=float, default=0.01)
    parser.add_argument("--disconnects", type=float, default=0.0005)
    parser.add_argument("--overtime", type=float, default=30.0,
                        help="s before the simulated loggers re-send an unacknowledged upload (C.1 uses 5)")
    parser.add_argument("--baseline-rows", type=int, default=200_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.rate, args.sources, args.baseline_rows = 3.0, min(args.rate, 1000.0), 10, 20_000
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    ok = True
    for kind in kinds:
        if kind == "postgresql":
            try:
                sa.create_engine(PG_ADMIN_URL).connect().close()
            except Exception as exc:  # no server: say so, do not fail the SQLite figures
                print(f"postgresql: skipped ({exc.__class__.__name__})")
                continue
        report = run_one(kind, args)
        print(" ".join(f"{k}={v}" for k, v in report.items()), flush=True)
        ok = ok and bool(report["sent_acknowledged_stored_equal"]) and report["wrong_acks"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
