"""Ambient stations through the HJ 212 server: hourly uploads (2061, ST=22) turned into station concentrations.

For each database: ``--stations`` air stations are imported and registered (``ecer environment stations
register``), the server runs as its own process (``ecer monitor serve``), and every station sends
``--hours`` hourly uploads of the six AQI pollutants on its own connection, asking for acknowledgement.
Prints packets/s from the first byte sent to the last 9014 received, and checks that acknowledged =
sent = hourly rows in ``air_readings``. A province has a few hundred stations sending once an hour, so
the figure to compare is against that, not against the pollution-source load of ``ingest.py``.

    .venv/bin/python benchmarks/hj212_ingest/ambient.py [--stations 100] [--hours 24] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import PG_ADMIN_URL, free_port, fresh_database, init, start_server

from ecer.protocol.hj212.builder import build, make_flag, make_qn
from ecer.protocol.hj212.cp import CST
from ecer.services.environment_hj212 import register_station
from ecer.services.environment_imports import import_stations

PW = "123456"
# SO2, NO2 (mg/m³), PM10, PM2.5 (ng/m³, HJ 212-2017 B.2 default units), CO (mg/m³), O3 (mg/m³)
HOUR = {"a21026": {"Avg": 0.010, "Flag": "N"}, "a21004": {"Avg": 0.020, "Flag": "N"},
        "a34002": {"Avg": 70000, "Flag": "N"}, "a21005": {"Avg": 0.8, "Flag": "N"},
        "a05024": {"Avg": 0.100, "Flag": "N"}, "a34004": {"Avg": 35000, "Flag": "N"}}


def mn_of(i: int) -> str:
    return f"2202A1{i:018X}"


def register(url: str, stations: int, folder: Path) -> None:
    rows = ["站点编码,名称,类型,所属地区,MN"] + [f"BA{i:04d},基准站{i},air,船营区,{mn_of(i)}" for i in range(stations)]
    path = folder / "stations.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_stations(url, path, actor="benchmark")
    for i in range(stations):
        register_station(url, f"BA{i:04d}", pw=PW, actor="benchmark")


async def station(port: int, i: int, hours: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    start = dt.datetime(2024, 6, 1, tzinfo=CST)
    data = b"".join(build(st="22", cn="2061", pw=PW, mn=mn_of(i), qn=make_qn(start + dt.timedelta(hours=h)),
                          flag=make_flag("2017", ack=True), values=HOUR, data_time=start + dt.timedelta(hours=h))
                    for h in range(hours))
    writer.write(data)
    await writer.drain()
    acks = 0
    while acks < hours:
        line = await asyncio.wait_for(reader.readline(), 120)
        if not line:
            break
        acks += b"CN=9014" in line
    writer.close()
    return acks


async def send_all(port: int, stations: int, hours: int) -> tuple[int, float]:
    began = time.perf_counter()
    acks = await asyncio.gather(*(station(port, i, hours) for i in range(stations)))
    return sum(acks), time.perf_counter() - began


def run_one(kind: str, args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        url, cleanup = fresh_database(kind, Path(folder))
        try:
            init(url)
            register(url, args.stations, Path(folder))
            port = free_port()
            server = start_server(url, port, None)
            try:
                acked, seconds = asyncio.run(send_all(port, args.stations, args.hours))
            finally:
                server.terminate()
                server.wait(60)
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                rows = conn.execute(sa.text("select count(*) from air_readings")).scalar_one()
            engine.dispose()
            sent = args.stations * args.hours
            return {"database": kind, "stations": args.stations, "sent": sent, "acknowledged": acked,
                    "air_readings": rows, "seconds": round(seconds, 2), "packets_per_second": round(sent / seconds, 1),
                    "sent_acknowledged_stored_equal": sent == acked == rows}
        finally:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--hours", type=int, default=24)
    args = parser.parse_args()
    ok = True
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        if kind == "postgresql":
            try:
                sa.create_engine(PG_ADMIN_URL).connect().close()
            except Exception as exc:
                print(f"postgresql: skipped ({exc.__class__.__name__})")
                continue
        report = run_one(kind, args)
        print(" ".join(f"{k}={v}" for k, v in report.items()), flush=True)
        ok = ok and bool(report["sent_acknowledged_stored_equal"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
