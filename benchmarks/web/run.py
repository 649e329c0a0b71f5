"""Web benchmark: the home page and the main API calls under concurrent load, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/web/run.py [--requests 300] [--concurrency 50] [--scale 100] [--workers N]
        [--seconds 20] [--think 0] [--wrk] [--backends sqlite,postgresql] [--only TEXT,…] [--json]

For each backend: a fresh database with ``ecer demo-data``, then its key units (with products, monthly
reports, unit budgets and two-high projects), monitored sources (with pollutants, readings and alarms)
and statistics revisions copied until there are ``--scale`` times the demo's rows. The copies are
bulk ``INSERT … SELECT`` statements with shifted ids and suffixed unique keys (credit code, MN), so
they take seconds, not an importer run. Then, per endpoint, one ``ecer serve --workers N`` on a free
127.0.0.1 port and ``--concurrency`` logged-in clients sending ``--requests`` requests (or as many as
fit in ``--seconds``), back to back or with ``--think`` seconds between a client's requests (``--wrk``:
the same from Debian's wrk for ``--seconds``, a C load generator that leaves the cores to the server;
``make bench-deps`` installs it). Prints
the seconds until both workers finished their warm-up (``/api/v1/health`` says ``warm_up: done``: the
derived figures computed), the first request's time after it, requests/s, p50 and p99 per
endpoint against the goal (issue 6: p99 under 200 ms at 50 concurrent users); ``--json`` prints the
same as JSON. The same-run baseline is ``/api/v1/health`` (no database work beyond the schema check).
Only loopback traffic; bounded in count. Figures and how to read them: docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("ECER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "Load-test-2024"
GOAL_P99_MS = 200.0
FIRST_MN = "DE0000A8900016F000000000"  # the demo's first source (ecer.demo.monitoring)
ENDPOINTS = [
    ("baseline /api/v1/health", "/api/v1/health"),
    ("home page /", "/"),
    ("/api/v1/progress", "/api/v1/progress"),
    ("/api/v1/statistics (page of 50)", "/api/v1/statistics?page_size=50"),
    ("/api/v1/statistics?region=永吉县", "/api/v1/statistics?region=%E6%B0%B8%E5%90%89%E5%8E%BF"),
    ("/api/v1/regions/永吉县", "/api/v1/regions/%E6%B0%B8%E5%90%89%E5%8E%BF"),
    ("/api/v1/indicators", "/api/v1/indicators"),
    ("/api/v1/units (page of 50)", "/api/v1/units?page_size=50"),
    ("/api/v1/twohigh", "/api/v1/twohigh"),
    ("/api/v1/budgets (page of 50)", "/api/v1/budgets?page_size=50"),
    ("/api/v1/monitoring/sources (page of 50)", "/api/v1/monitoring/sources?page_size=50"),
    ("/api/v1/monitoring/readings?mn=… (50)", f"/api/v1/monitoring/readings?mn={FIRST_MN}&page_size=50"),
    ("/api/v1/monitoring/alarms (page of 50)", "/api/v1/monitoring/alarms?page_size=50"),
]


def _copy(conn: sa.Connection, table: str, k: int, strides: dict[str, int], where: str = "",
          **exprs: str) -> None:
    """Copy ``table``'s demo rows once more as copy ``k``: id shifted by ``k`` strides, other columns
    as ``exprs`` say (SQL shared by SQLite and PostgreSQL), the rest unchanged."""
    columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
    quoted = [f'"{c}"' for c in columns]
    values = [exprs.get(c, f"id + {k * strides[table]}" if c == "id" else f'"{c}"') for c in columns]
    conn.execute(sa.text(f'insert into {table} ({", ".join(quoted)}) select {", ".join(values)} from {table} '
                         f"where id < {strides[table]} {where}"))


def scale_up(conn: sa.Connection, scale: int) -> dict[str, int]:
    """Copy the demo's key units, sources, readings and statistics until there are ``scale`` × the rows."""
    tables = ["key_units", "key_unit_products", "energy_report_revisions", "energy_report_lines",
              "energy_budgets", "two_high_projects", "monitoring_sources", "monitoring_source_pollutants",
              "monitoring_readings", "monitoring_alarms", "statistics_revisions"]
    strides = {t: (conn.execute(sa.text(f"select max(id) from {t}")).scalar_one() or 0) + 1 for t in tables}
    shift = {t: lambda col, k, t=t: f"{col} + {k * strides[t]}" for t in tables}
    for k in range(1, scale):
        tag = f"{k:02d}" if scale <= 100 else f"{k:04d}"
        _copy(conn, "key_units", k, strides, credit_code=f"substr(credit_code, 1, {16 - len(tag)}) || '{tag}' || "
              "substr(credit_code, 17, 2)", name=f"name || ' {tag}'")
        _copy(conn, "key_unit_products", k, strides, unit_id=shift["key_units"]("unit_id", k))
        _copy(conn, "energy_report_revisions", k, strides, unit_id=shift["key_units"]("unit_id", k))
        _copy(conn, "energy_report_lines", k, strides,
              revision_id=shift["energy_report_revisions"]("revision_id", k))
        _copy(conn, "energy_budgets", k, strides, "and unit_id is not null", key=f"key || '#{tag}'",
              unit_id=shift["key_units"]("unit_id", k))
        _copy(conn, "two_high_projects", k, strides, name=f"name || ' {tag}'",
              unit_id=shift["key_units"]("unit_id", k))
        mn = f"substr(mn, 1, {20 - len(tag)}) || '{tag}' || substr(mn, 21, 4)"
        _copy(conn, "monitoring_sources", k, strides, mn=mn)
        _copy(conn, "monitoring_source_pollutants", k, strides,
              source_id=shift["monitoring_sources"]("source_id", k))
        _copy(conn, "monitoring_readings", k, strides, mn=mn)
        _copy(conn, "monitoring_alarms", k, strides, mn=mn)
        _copy(conn, "statistics_revisions", k, strides, "and batch_id is not null")  # identical figures
    if conn.dialect.name == "postgresql":
        for t in tables:
            conn.execute(sa.text(f"select setval(pg_get_serial_sequence('{t}', 'id'), (select max(id) from {t}))"))
    return {t: conn.execute(sa.text(f"select count(*) from {t}")).scalar_one() for t in tables}


def prepare(url: str, scale: int, folder: Path) -> tuple[dict[str, int], float]:
    env = {**os.environ, "ECER_DATABASE_URL": url}
    subprocess.run([BIN / "ecer", "init"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "ecer", "demo-data", "--out", str(folder / "wb")], env=env, check=True, capture_output=True)
    from ecer.services.users import create_user
    from ecer.storage.db import engine_for, session_scope

    with session_scope(url) as session:
        create_user(session, username="bench", password=PASSWORD, role="city", actor="benchmark")
    engine = engine_for(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        counts = scale_up(conn, scale)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("analyze"))
    engine.dispose()
    return counts, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def login(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = await client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    assert done.status_code in (200, 303), done.status_code


async def load(base: str, path: str, requests: int, concurrency: int, cookies: httpx.Cookies,
               seconds: float, think: float = 0) -> tuple[float, list[float], int]:
    """``requests`` GETs from ``concurrency`` clients, each waiting ``think`` seconds between its requests
    (0: back to back, the server saturated); no new request starts after ``seconds``."""
    latencies: list[float] = []
    errors = 0
    remaining = requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Accept-Encoding": "gzip"}

    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=600,
                                 headers=headers) as client:
        started = time.perf_counter()

        async def worker() -> None:
            nonlocal errors, remaining
            while remaining > 0 and time.perf_counter() - started < seconds:
                remaining -= 1
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)
                if think:
                    await asyncio.sleep(think)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, errors


def wrk_load(base: str, path: str, cookies: httpx.Cookies, args: argparse.Namespace,
             folder: Path) -> tuple[float, float, float, int, int]:
    """Load from Debian's wrk (C: it leaves the cores to the server, where the Python generator takes
    a good part of them), back to back or, with ``--think`` T, each connection pausing before each
    request for a time drawn uniformly from 0 to 2T (mean T: people do not click in step, and the 50
    first requests are not one burst) through wrk's ``delay()`` hook; the pause is not counted in the
    latency. Returns requests/s, p50 and p99 in seconds, requests, errors."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    script = []
    if args.think:
        (folder / "think.lua").write_text("math.randomseed(os.time())\n"
                                          f"function delay()\n  return math.random(0, {round(args.think * 2000)})\nend\n")
        script = ["-s", str(folder / "think.lua")]
    out = subprocess.run(["wrk", "-t1", f"-c{args.concurrency}", f"-d{args.seconds:g}s", "--latency", *script,
                          "-H", f"Cookie: {cookie}", "-H", "Accept-Encoding: gzip", base + path],
                         capture_output=True, text=True, check=True).stdout
    units = {"us": 1e-6, "ms": 1e-3, "s": 1.0}

    def seconds(text: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
        return float(number) * units[unit]

    p50 = seconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    count = int(re.search(r"(\d+) requests in", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    errors = (int(failed.group(1)) if failed else 0) + (int(timeouts.group(1)) if timeouts else 0)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), p50, p99, count, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(base: str, path: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await login(client)
        cookies = client.cookies
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=600) as client:
        started = time.perf_counter()
        await client.get(path)  # the first request of a fresh server computes what later ones reuse
        cold = time.perf_counter() - started
    await load(base, path, min(50, args.requests), min(10, args.concurrency), cookies, args.seconds)  # warm-up
    if args.wrk:
        rate, p50, p99, count, errors = wrk_load(base, path, cookies, args, folder)
        return {"cold_ms": round(cold * 1000, 1), "requests": count, "requests_per_s": round(rate, 1),
                "p50_ms": round(p50 * 1000, 1), "p99_ms": round(p99 * 1000, 1), "errors": errors,
                "goal_met": p99 * 1000 < GOAL_P99_MS and errors == 0}
    rate, latencies, errors = await load(base, path, args.requests, args.concurrency, cookies, args.seconds,
                                         args.think)
    p99 = percentile(latencies, .99) * 1000
    return {"cold_ms": round(cold * 1000, 1), "requests": len(latencies), "requests_per_s": round(rate, 1),
            "p50_ms": round(percentile(latencies, .5) * 1000, 1), "p99_ms": round(p99, 1), "errors": errors,
            "goal_met": p99 < GOAL_P99_MS and errors == 0}


def serve_and_measure(url: str, path: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "ECER_DATABASE_URL": url}
    log = (folder / f"serve-{port}.log").open("w")
    command = [BIN / "ecer", "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        started, done = time.perf_counter(), 0
        while done < 10 and time.perf_counter() - started < 300:  # both workers' warm-up (cache filled)
            done = done + 1 if httpx.get(f"{base}/api/v1/health", timeout=60).json().get("warm_up") != "running" else 0
            time.sleep(0.05)
        return {**asyncio.run(measure(base, path, args, folder)), "warm_up_s": round(time.perf_counter() - started, 1)}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        tail = (folder / f"serve-{port}.log").read_text(errors="replace").strip().splitlines()[-5:]
        if any("Error" in line for line in tail):
            print("  server log:", *tail, sep="\n    ", file=sys.stderr)


def run_backend(name: str, url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    counts, seconds = prepare(url, args.scale, folder)
    print(f"{name}: {args.scale} × demo built in {seconds:.1f} s — "
          + ", ".join(f"{t} {n}" for t, n in counts.items()), file=sys.stderr, flush=True)
    results = []
    for label, path in ENDPOINTS:
        result = {"endpoint": label, "path": path, **serve_and_measure(url, path, args, folder)}
        print(f"  {label:42s} {result['requests_per_s']:7.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
              f"p99 {result['p99_ms']:7.1f} ms  {'ok' if result['goal_met'] else 'OVER'}", file=sys.stderr, flush=True)
        results.append(result)
    return {"backend": name, "rows": counts, "build_seconds": round(seconds, 1), "endpoints": results}


def table(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    pause = f"think time {args.think:g} s" if args.think else "back to back"
    load = f"wrk, {pause}" if args.wrk else pause
    lines = [f"{args.concurrency} concurrent clients ({load}), up to {args.requests} requests or {args.seconds:g} s per "
             f"endpoint, ecer serve --workers {args.workers or 'default'}, {args.scale} × demo; goal p99 < "
             f"{GOAL_P99_MS:g} ms", "",
             "| backend | endpoint | warm-up s | first request ms | req/s | p50 ms | p99 ms | errors | goal |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for run in runs:
        for r in run["endpoints"]:
            lines.append(f"| {run['backend']} | {r['endpoint']} | {r['warm_up_s']:.0f} | {r['cold_ms']:.0f} | "
                         f"{r['requests_per_s']:.1f} | "
                         f"{r['p50_ms']:.1f} | "
                         f"{r['p99_ms']:.1f} | {r['errors']} | {'met' if r['goal_met'] else 'missed'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--workers", type=int, default=0, help="ecer serve --workers (0: its default)")
    parser.add_argument("--seconds", type=float, default=20, help="stop starting requests after this long")
    parser.add_argument("--think", type=float, default=0,
                        help="seconds each client waits between its requests (0: back to back)")
    parser.add_argument("--wrk", action="store_true",
                        help="load from wrk (make bench-deps) for --seconds instead of the Python clients; "
                        "with --think each connection pauses that long between its requests")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--only", default="", help="comma-separated texts: measure only endpoints whose label "
                        "contains one of them (and the baseline)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.wrk and shutil.which("wrk") is None:
        parser.error("--wrk needs the wrk command: make bench-deps (Debian package wrk)")
    if args.only:
        wanted = args.only.split(",")
        ENDPOINTS[:] = [e for e in ENDPOINTS if e[0].startswith("baseline") or any(w in e[0] for w in wanted)]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                runs.append(run_backend("SQLite", f"sqlite:///{folder / 'bench.sqlite3'}", args, folder))
                continue
            name = f"ecer_bench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'create database "{name}"'))
            except sa.exc.OperationalError as exc:
                print(f"PostgreSQL skipped: {exc.__class__.__name__}", file=sys.stderr)
                continue
            try:
                runs.append(run_backend("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", args, folder))
            finally:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
                admin.dispose()
    print(json.dumps(runs, ensure_ascii=False, indent=1) if args.json else table(runs, args))


if __name__ == "__main__":
    main()
