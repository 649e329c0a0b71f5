"""Web benchmark: the home page and the main API calls under concurrent load, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/web/run.py [--requests 400] [--concurrency 50] [--scale 100] [--backends sqlite,postgresql]

For each backend: a fresh database with the demo data, its statistics revisions multiplied ``--scale``
times (identical copies, so every figure is unchanged and the accounting reads ``scale`` × the rows),
one ``ecer serve`` process on a free 127.0.0.1 port, and ``--concurrency`` logged-in clients sending
``--requests`` requests per endpoint. Prints requests/s, p50 and p99 latency per endpoint; the
baseline, measured in the same run, is ``/api/v1/health`` (no database work beyond the schema check).
Goal (issue 6): p99 under 200 ms at 50 concurrent users. Only loopback traffic; bounded in count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("ECER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "Load-test-2024"
ENDPOINTS = [
    ("baseline /api/v1/health", "/api/v1/health"),
    ("home page /", "/"),
    ("/api/v1/progress", "/api/v1/progress"),
    ("/api/v1/statistics (page of 50)", "/api/v1/statistics?page_size=50"),
    ("/api/v1/statistics?region=永吉县", "/api/v1/statistics?region=%E6%B0%B8%E5%90%89%E5%8E%BF"),
    ("/api/v1/regions/永吉县", "/api/v1/regions/%E6%B0%B8%E5%90%89%E5%8E%BF"),
    ("/api/v1/indicators", "/api/v1/indicators"),
]


def prepare(url: str, scale: int, folder: Path) -> int:
    env = {**os.environ, "ECER_DATABASE_URL": url}
    subprocess.run([BIN / "ecer", "init"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "ecer", "demo-data", "--out", str(folder / "wb")], env=env, check=True, capture_output=True)
    from ecer.services.users import create_user
    from ecer.storage.db import engine_for, session_scope

    with session_scope(url) as session:
        create_user(session, username="bench", password=PASSWORD, role="city", actor="benchmark")
    engine = engine_for(url)
    with engine.begin() as conn:
        columns = [c for c in sa.inspect(conn).get_columns("statistics_revisions") if c["name"] != "id"]
        names = ", ".join(c["name"] for c in columns)
        for _ in range(scale - 1):
            conn.execute(sa.text(f"insert into statistics_revisions ({names}) "
                                 f"select {names} from statistics_revisions where batch_id is not null "
                                 f"and id <= (select min(id) + 279 from statistics_revisions)"))
        rows = conn.execute(sa.text("select count(*) from statistics_revisions")).scalar_one()
    engine.dispose()
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = await client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    assert done.status_code in (200, 303), done.status_code


async def load(base: str, path: str, requests: int, concurrency: int, cookies: httpx.Cookies) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=60) as client:
        async def worker() -> None:
            nonlocal errors
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return requests / elapsed, latencies, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(base: str, label: str, path: str, requests: int, concurrency: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await login(client)
        cookies = client.cookies
    await load(base, path, min(50, requests), min(10, concurrency), cookies)  # warm-up
    rate, latencies, errors = await load(base, path, requests, concurrency, cookies)
    print(f"  {label:38s} {rate:8.1f} req/s   p50 {percentile(latencies, .5) * 1000:7.1f} ms   "
          f"p99 {percentile(latencies, .99) * 1000:7.1f} ms   errors {errors}", flush=True)


def run_backend(name: str, url: str, args: argparse.Namespace, folder: Path) -> None:
    rows = prepare(url, args.scale, folder)
    print(f"{name}: {rows} statistics revisions ({args.scale} × demo), {args.requests} requests per endpoint, "
          f"{args.concurrency} concurrent clients, one uvicorn worker (restarted for each endpoint)", flush=True)
    for label, path in ENDPOINTS:
        serve_and_measure(url, label, path, args, folder)


def serve_and_measure(url: str, label: str, path: str, args: argparse.Namespace, folder: Path) -> None:
    port = free_port()
    env = {**os.environ, "ECER_DATABASE_URL": url}
    log = (folder / f"serve-{port}.log").open("w")
    server = subprocess.Popen([BIN / "ecer", "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        asyncio.run(measure(base, label, path, args.requests, args.concurrency))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        tail = (folder / f"serve-{port}.log").read_text(errors="replace").strip().splitlines()[-5:]
        if any("Error" in line for line in tail):
            print("  server log:", *tail, sep="\n    ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                run_backend("SQLite", f"sqlite:///{folder / 'bench.sqlite3'}", args, folder)
            else:
                name = f"ecer_bench_{uuid.uuid4().hex[:8]}"
                admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                try:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'create database "{name}"'))
                except sa.exc.OperationalError as exc:
                    print(f"PostgreSQL skipped: {exc.__class__.__name__}", file=sys.stderr)
                    continue
                try:
                    run_backend("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", args, folder)
                finally:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
                    admin.dispose()


if __name__ == "__main__":
    main()
