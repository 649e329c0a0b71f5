"""The lake on a local disk and on S3 (moto's S3 server), written and aggregated the same way, in one run.

``--packets`` hourly HJ 212 uploads (synthetic, 合成演示数据) go through the lake writer's file part
(``LakeFiles.write``, in batches of ``--batch`` records, as a writer flushes them) into a local
directory and into ``s3://bench/lake`` on moto's server, started as its own process on a loopback
port (real HTTP; moto is a Python server, so its figures are a floor for S3, not a forecast of a
real object store). Then DuckDB aggregates the year three ways: ``read_parquet`` of the local glob
(the local path), a pyarrow dataset of the same local files (the route an ``s3://`` lake takes,
without the network) and the ``s3://`` lake itself; the three must agree. Runs alternate
``--repeat`` times; everything shares the machine's cores with whatever else runs, so compare
within one run. Usage::

    flock /tmp/bench.lock .venv/bin/python benchmarks/scale/s3_lake.py --packets 200000 --repeat 3 --big 2000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.scale.conftest import free_port, wait_port

READS = ("read_parquet (local)", "pyarrow dataset (local)", "pyarrow dataset (s3, moto)")
KEYS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_REGION": "us-east-1"}


def report(name: str, values: list[float], unit: str, extra: str = "") -> None:
    shown = ", ".join(f"{v:.2f}" for v in values)
    print(f"{name:<44} median {statistics.median(values):>8.2f} {unit}  ({shown}) {extra}", flush=True)


def write(root: str, records: list[Any], batch: int) -> tuple[float, int]:
    """Seconds to write ``records`` through the writer's file part in flush-sized batches; files written."""
    from ecer.scale.lake.writer import LakeFiles

    files = LakeFiles(root)
    started, paths = time.perf_counter(), set()
    for i in range(0, len(records), batch):
        paths.update(files.write(records[i:i + batch])[1])
    return time.perf_counter() - started, len(paths)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def via_dataset(local: Path, year: int) -> list[Any]:
    """DuckDB over a pyarrow dataset of the local files (strings as dictionaries): ``lake.s3.dataset``'s
    route, on a local disk."""
    import duckdb
    import pyarrow.dataset as ds

    from ecer.scale.engines.accounting import DEFAULT_CODES, accounting_sql, combine

    con = duckdb.connect(":memory:")
    try:
        files = sorted(str(p) for p in local.glob(f"month={year:04d}-*/*/*.parquet"))
        strings = [f.name for f in ds.dataset(files[:1], format="parquet").schema if f.type == "string"]
        parquet = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=strings))
        con.register("lake_files", ds.dataset(files, format=parquet))
        return combine(con.execute(accounting_sql(year, DEFAULT_CODES, "lake_files", plan="decimal")).fetchall())
    finally:
        con.close()


def big_lake(args: argparse.Namespace, work: Path, admin: Any) -> None:
    """Aggregation alone on a larger lake: written locally once, copied to the bucket as it is."""
    from pyarrow import fs
    from tests.scale.helpers import outlets, records

    local = work / "big"
    recs = records(outlets(args.outlets), -(-args.big // args.outlets))[:args.big]
    _, files = write(str(local), recs, 200_000)
    del recs
    fs.copy_files(str(local), "bench/big", source_filesystem=fs.LocalFileSystem(), destination_filesystem=admin)
    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        first = three_ways(local, "s3://bench/big", times)
    rows = sum(t.readings for t in first if t.code in ("w00000", "a00000"))
    for name, values in times.items():
        report(f"aggregate {args.big:,} packets: {name}", values, "s", f"{files} files, {rows:,} flow readings")


def three_ways(local: Path, remote: str, times: dict[str, list[float]]) -> list[Any]:
    """Aggregate the year by the three reads (seconds appended to ``times``); they must agree."""
    from ecer.scale.engines import duckdb_engine

    reads = {READS[0]: lambda: duckdb_engine.aggregate(str(local), 2024),
             READS[1]: lambda: via_dataset(local, 2024),
             READS[2]: lambda: duckdb_engine.aggregate(remote, 2024)}
    results = []
    for name, fn in reads.items():
        seconds, result = timed(fn)
        times.setdefault(name, []).append(seconds)
        results.append(result)
    assert all(r == results[0] for r in results), "the three reads disagree"
    return results[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50_000, help="records per flush")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=0, help="also aggregate a lake of this many packets (0: no)")
    args = parser.parse_args()

    from pyarrow import fs
    from tests.scale.helpers import outlets, records

    hours = -(-args.packets // args.outlets)
    recs = records(outlets(args.outlets), hours)[:args.packets]
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="ecer-s3-bench-"))
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        os.environ.update(KEYS, ECER_S3_ENDPOINT=f"http://127.0.0.1:{port}")
        admin = fs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", region="us-east-1",
                                access_key=KEYS["AWS_ACCESS_KEY_ID"], secret_key=KEYS["AWS_SECRET_ACCESS_KEY"],
                                allow_bucket_creation=True)
        admin.create_dir("bench")
        print(f"{len(recs):,} packets of {args.outlets} outlets, batches of {args.batch:,}; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
        writes: dict[str, list[float]] = {"local": [], "s3": []}
        aggregates: dict[str, list[float]] = {}
        for run in range(args.repeat):
            local, remote = work / f"lake{run}", f"s3://bench/lake{run}"
            seconds, files = write(str(local), recs, args.batch)
            writes["local"].append(seconds)
            seconds, files_s3 = write(remote, recs, args.batch)
            writes["s3"].append(seconds)
            assert files == files_s3
            first = three_ways(local, remote, aggregates)
            shutil.rmtree(local)
        rows = sum(t.readings for t in first if t.code in ("w00000", "a00000"))
        for name, values in writes.items():
            report(f"write {len(recs):,} packets to {name}", values, "s",
                   f"{len(recs) / statistics.median(values):,.0f} packets/s, {files} files")
        for name, values in aggregates.items():
            report(f"aggregate: {name}", values, "s", f"{len(first)} totals, {rows:,} flow readings")
        if args.big:
            big_lake(args, work, admin)
        print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
