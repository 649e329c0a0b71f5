"""Gateway ingestion throughput: readings/s through ``POST /api/v1/energy/data`` into SQLite and PostgreSQL.

Each database gets a fresh schema (``ecer init``), one unit, one token and 20 meters. The same
readings are sent through the API (FastAPI's in-process TestClient: JSON, token check, unit
conversion, idempotency query, one INSERT per batch) and, as the baseline measured in the same run,
through the storage call alone (``ecer.storage.meter_data.ingest``) into a second unit. A repeat
of the first API batch measures the idempotent path (every reading a duplicate).

    .venv/bin/python benchmarks/meter_ingest/run.py [--readings 20000] [--batch 1000] [--quick]

PostgreSQL: ``ECER_TEST_PG_URL`` (default postgres@127.0.0.1:5432); skipped when unreachable.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

PG_ADMIN_URL = os.environ.get("ECER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
METERS = 20


def _first17(n: int) -> str:
    return f"91220200MA0BEN0{n:02d}"


def _code(n: int) -> str:
    from ecer.domain.energy.key_units import credit_code_check_character

    return _first17(n) + credit_code_check_character(_first17(n))


def readings(n: int) -> list[dict[str, object]]:
    """n daily readings spread over METERS meters, consecutive days from 2000-01-01."""
    start = dt.datetime(2000, 1, 1)
    return [{"meter": f"E{i % METERS:02d}", "at": (start + dt.timedelta(days=i // METERS)).isoformat(),
             "period": "day", "value": f"{1000 + i % 97}.5", "unit": "kWh"} for i in range(n)]


def prepare(url: str) -> str:
    """Schema, two units with 20 electricity meters each; returns the first unit's token."""
    from ecer.cli.main import main
    from ecer.services.meter_data import upload_meters
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import unit_by_code
    from ecer.storage.meter_data import create_token

    os.environ["ECER_DATABASE_URL"] = url
    for args in (["init"], *[["units", "add", "--credit-code", _code(n), "--name", f"基准测试单位{n}",
                              "--industry-code", "C3011", "--industry-name", "水泥制造", "--region", "磐石市"]
                             for n in (1, 2)]):
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main(args)
            except SystemExit as done:
                assert not done.code, args
    meters = [{"code": f"E{i:02d}", "name": f"电表{i}", "carrier": "电力", "unit": "kWh"} for i in range(METERS)]
    with session_scope(url) as session:
        for n in (1, 2):
            upload_meters(session, unit_by_code(session, _code(n)), meters)
        _, token = create_token(session, unit_by_code(session, _code(1)).id, "benchmark", "benchmark")
    return token


def through_api(url: str, token: str, data: list[dict[str, object]], batch: int) -> tuple[float, float]:
    from fastapi.testclient import TestClient

    from ecer.web.app import create_app

    client = TestClient(create_app(url))
    client.headers["Authorization"] = f"Bearer {token}"
    client.get("/api/v1/energy/quality", params={"year": 1999, "month": 1})  # warm up: lazy imports, pools
    start = time.perf_counter()
    for i in range(0, len(data), batch):
        r = client.post("/api/v1/energy/data", json={"credit_code": _code(1), "readings": data[i:i + batch]})
        assert r.status_code == 200 and r.json()["stored"] == len(data[i:i + batch]), r.text
    elapsed = time.perf_counter() - start
    again = time.perf_counter()
    r = client.post("/api/v1/energy/data", json={"credit_code": _code(1), "readings": data[:batch]})
    assert r.json()["duplicates"] == len(data[:batch])
    return elapsed, time.perf_counter() - again


def through_storage(url: str, data: list[dict[str, object]], batch: int) -> float:
    from ecer.storage.db import session_scope
    from ecer.storage.key_unit_registry import unit_by_code
    from ecer.storage.meter_data import IncomingReading, ingest, meters_of

    rows = [IncomingReading(str(r["meter"]), dt.datetime.fromisoformat(str(r["at"])), "day",
                            Decimal(str(r["value"]))) for r in data]
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        with session_scope(url) as session:
            unit = unit_by_code(session, _code(2))
            ingest(session, unit.id, rows[i:i + batch], meters_of(session, unit.id))
    return time.perf_counter() - start


def pg_database() -> tuple[str, object] | None:
    import sqlalchemy as sa

    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"ecer_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'create database "{name}"'))
    except Exception as exc:  # unreachable server: skip, say why
        print(f"PostgreSQL skipped: {exc.__class__.__name__}")
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="2 000 readings: a smoke test")
    args = parser.parse_args()
    n = 2000 if args.quick else args.readings
    data = readings(n)
    with tempfile.TemporaryDirectory() as folder:
        targets = [("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", None)]
        pg = pg_database()
        if pg is not None:
            targets.append(("PostgreSQL", pg[0], pg[1]))
        print(f"{n} daily readings, batches of {args.batch}, {METERS} meters")
        for label, url, cleanup in targets:
            try:
                token = prepare(url)
                api, repeat = through_api(url, token, data, args.batch)
                base = through_storage(url, data, args.batch)
                print(f"{label:10s} API {n / api:9.0f} readings/s | storage only (baseline) {n / base:9.0f} "
                      f"readings/s | API/baseline {base / api:5.2f} | repeat batch (all duplicates) "
                      f"{args.batch / repeat:9.0f} readings/s")
            finally:
                if cleanup is not None:
                    import sqlalchemy as sa

                    from ecer.storage.db import engine_for

                    engine_for(url).dispose()
                    admin, name = cleanup  # type: ignore[misc]
                    with admin.connect() as conn:  # type: ignore[attr-defined]
                        conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))


if __name__ == "__main__":
    main()
