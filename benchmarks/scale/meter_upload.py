"""Energy-meter uploads: database path against log path, then the meter writer and DuckDB totals.

One web process (FastAPI TestClient, no HTTP socket), SQLite, one nats-server (R1) on loopback, all
on the same machine. ``--units`` batches of ``--batch`` daily readings (27 electricity meters), each
posted once to an app without a log and once to an app with ``log_url`` set. Synthetic data only
(合成演示数据). Usage::

    .venv/bin/python benchmarks/scale/meter_upload.py --units 10 --batch 9882
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.conftest import run_cli
from tests.scale.conftest import _nodes, need_binary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--batch", type=int, default=9882)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from ecer.domain.energy.key_units import credit_code_check_character
    from ecer.scale.lake.meter_writer import run_meter_writer
    from ecer.scale.log.jetstream import JetStreamLog
    from ecer.services import meter_log
    from ecer.services.lake import compute_energy
    from ecer.web.app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="ecer-meter-bench-"))
    (node,) = _nodes(tmp, 1)
    node.start(need_binary("nats-server", "nats-server"), tmp / "nats.log")
    try:
        db = f"sqlite:///{tmp / 'ecer.sqlite3'}"
        env = {"ECER_DATABASE_URL": db}
        assert run_cli("init", env=env).exit_code == 0
        plain, logged = create_app(db), create_app(db)
        logged.state.log_url = node.url
        clients = []
        for i in range(args.units):
            first17 = f"91220200MA17XK{i:03d}"
            credit = first17 + credit_code_check_character(first17)
            assert run_cli("units", "add", "--credit-code", credit, "--name", f"单位{i}", "--industry-code", "C3011",
                           "--industry-name", "水泥制造", "--region", "磐石市", env=env).exit_code == 0
            token = run_cli("tokens", "create", credit, "--label", "网关", "--json", env=env).json()[0]["token"]
            pair = [TestClient(app, headers={"Authorization": f"Bearer {token}"}) for app in (plain, logged)]
            pair[0].post("/api/v1/energy/meters", json={"credit_code": credit, "meters": [
                {"code": f"E{m:02d}", "carrier": "电力", "unit": "kWh"} for m in range(27)]})
            clients.append((credit, pair))
        readings = [{"meter": f"E{m:02d}", "at": (dt.datetime(2024, 1, 1) + dt.timedelta(days=d)).isoformat(),
                     "period": "day", "value": str(100 + d), "unit": "kWh"}
                    for m in range(27) for d in range(366)][:args.batch]
        for which, name in enumerate(("database", "log")):
            started = time.perf_counter()
            for credit, pair in clients:
                r = pair[which].post("/api/v1/energy/data", json={"credit_code": credit, "readings": readings})
                assert r.status_code == 200 and r.json()["stored"] + r.json()["duplicates"] == len(readings), r.text
            seconds = time.perf_counter() - started
            print(f"{name}: {args.units} × {len(readings)} readings in {seconds:.2f} s, "
                  f"{args.units * len(readings) / seconds:.0f} readings/s")

        async def write() -> None:
            log = await JetStreamLog.connect(node.url)
            stats = await run_meter_writer(log, str(tmp / "lake"), idle_exit=1.0)
            await log.close()
            print(f"meter writer: {stats.records} readings, {stats.records / stats.write_seconds:.0f} readings/s")

        asyncio.run(write())
        started = time.perf_counter()
        totals = compute_energy("duckdb", str(tmp / "lake"), 2024)
        print(f"duckdb: {len(totals)} totals in {time.perf_counter() - started:.2f} s")
        meter_log.close(node.url)
    finally:
        node.kill()


if __name__ == "__main__":
    main()
