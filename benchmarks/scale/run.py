"""Scale-tier benchmark (issue 9 §4), outside ``make test``: one run reports

1. packets/s through gateway → JetStream with acknowledgement (loopback TCP, concurrent loggers
   in their own process, each with a sliding window of `--outstanding` uploads) and the gateway's
   CPU µs per packet: one gateway process decoding every frame in full (the former routing), one
   with the header scan, and `--processes N` behind one port (SO_REUSEPORT), alternating,
   `--repeat` times, each on a fresh nats-server,
2. readings/s written to the lake by the writers (decode, sort, Parquet, ack),
3. seconds to aggregate ``--rows`` readings (default 10⁸; ``--rows 3e7`` for a quicker run) with
   DuckDB, Spark local and Spark standalone (master + two workers), against the PostgreSQL path
   (the same query over a table holding the same rows, loaded with COPY; ``--pg-rows`` caps it).

Synthetic data only (合成演示数据). Usage::

    .venv/bin/python benchmarks/scale/run.py --packets 20000 --rows 1e7 --pg-rows 1e7

``--gateway-before REV`` also times the gateway as committed at git ``REV`` (before/after in one run),
``--before-tree REV`` the whole gateway path of ``REV`` (its routing, codec and JetStream client);
``--skip ingest-decode,ingest-processes`` leaves out those gateway runs; ``--loops asyncio,uvloop`` (the
default) times the gateway processes on each event loop (``ECER_LOOP``), alternating.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.scale.conftest import _nodes, free_port, wait_port

from ecer.scale import synthetic
from ecer.scale.engines.accounting import DEFAULT_CODES, accounting_sql

PG_URL = os.environ.get("ECER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def report(name: str, value: float, unit: str, extra: str = "") -> None:
    print(f"{name:<46} {value:>14,.1f} {unit:<12} {extra}", flush=True)


async def _loggers(host: str, port: int, per: list[list[bytes]], outstanding: int) -> tuple[int, float, float]:
    """Data loggers, each with up to ``outstanding`` uploads awaiting their 9014 (a sliding window):
    a Protocol that sends one new upload per reply that came back (the load generator shares the
    cores with the gateway, so it should cost little: no coroutine or semaphore per packet, as
    before). Returns the 9014s, the seconds and this process's CPU seconds."""
    loop = asyncio.get_running_loop()

    class Logger(asyncio.Protocol):
        def __init__(self, packets: list[bytes]) -> None:
            self.packets, self.sent, self.replies, self.acks = packets, 0, 0, 0
            self.tail = b""  # a reply's first bytes, its rest still to come
            self.done = loop.create_future()
            self.transport: asyncio.Transport | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport  # type: ignore[assignment]

        def send(self, count: int) -> None:
            batch = self.packets[self.sent:self.sent + count]
            self.sent += len(batch)
            if self.transport is not None:
                for packet in batch:  # one send per upload, as a data logger sends them
                    self.transport.write(packet)

        def data_received(self, data: bytes) -> None:
            buf = self.tail + data if self.tail else data
            end = buf.rfind(b"\r\n") + 2  # count whole replies only (a read may split one)
            whole, self.tail = (buf[:end], buf[end:]) if end > 1 else (b"", buf)
            n = whole.count(b"\r\n")
            self.replies += n
            self.acks += whole.count(b"CN=9014")
            self.send(n)
            if self.replies >= len(self.packets) and not self.done.done():
                self.done.set_result(self.acks)

        def connection_lost(self, exc: Exception | None) -> None:
            if not self.done.done():
                self.done.set_result(self.acks)

    # connect all first (a thousand connects at once overflow the listen backlog: SYNs retried after
    # 1 s, 3 s, … would be timed as if they were packets), then every logger starts its window
    connected = await asyncio.gather(*(loop.create_connection(lambda p=p: Logger(p), host, port) for p in per))
    started, cpu = time.perf_counter(), time.process_time()
    for _, protocol in connected:
        protocol.send(min(outstanding, len(protocol.packets)))
    acks = sum(await asyncio.gather(*(protocol.done for _, protocol in connected)))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for transport, _ in connected:
        transport.close()
    return acks, seconds, cpu


def run_loggers(host: str, port: int, per: list[list[bytes]], outstanding: int, results: Any) -> None:
    with contextlib.suppress(ImportError):  # the load generator on uvloop too: more of the cores for the gateway
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    results.put(asyncio.run(_loggers(host, port, per, outstanding)))


def serve_pool(url: str, table: dict, processes: int, scan: bool, ready: Any, results: Any, loop: str) -> None:
    """The product's ``run_gateways`` (N processes on one port) until SIGTERM; its counters to ``results``.
    ``loop`` ("uvloop" or "asyncio") goes to the gateway processes as ``ECER_LOOP``."""
    import functools

    from ecer.scale.loop import ENV
    from ecer.services.gateway_pool import run_gateways

    os.environ[ENV] = loop
    results.put(run_gateways(url, functools.partial(dict, table), processes=processes, host="127.0.0.1", port=0,
                             scan=scan, on_ready=ready.put))


#: The gateway of a whole former source tree (``--before-tree REV``): routing, codec and JetStream client
#: as committed then, in its own process; prints its address, then its counters after SIGTERM.
FORMER_TREE_GATEWAY = """
import asyncio, json, signal, sys, time
from pathlib import Path
from ecer.scale.gateway import Gateway
from ecer.scale.log.jetstream import JetStreamLog
from ecer.scale.sources import sources_from_csv

async def main(url, csv):
    log = await JetStreamLog.connect(url)
    gw = Gateway(log, sources_from_csv(Path(csv)), host="127.0.0.1", port=0)
    await gw.start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    cpu = time.process_time()
    print(json.dumps(gw.sockets[0]), flush=True)
    await stop.wait()
    cpu = time.process_time() - cpu
    await gw.stop()
    await log.close()
    print(json.dumps({"cpu_seconds": cpu, "acks_per_process": [gw.stats.acks]}), flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def former_tree(rev: str, work: Path) -> Path:
    """``src/`` as committed at ``rev`` (git archive), to run the whole former gateway path."""
    root = Path(__file__).resolve().parents[2]
    target = work / f"tree-{rev}"
    target.mkdir()
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=root, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def pooled(url: str, n_packets: int, connections: int, outstanding: int, processes: int | Path, scan: bool,
           label: str, loop: str = "uvloop") -> None:
    """Gateways as ``ecer lake gateway --processes N`` runs them (or a former tree's gateway when
    ``processes`` is its ``src`` path), loggers in their own process."""
    outs = synthetic.outlets(max(connections, 50))
    data = list(synthetic.traffic(outs, dt.datetime(2024, 3, 1), n_packets // len(outs) + 1))[:n_packets]
    ctx = multiprocessing.get_context("spawn")
    ready, stats, results = ctx.Queue(), ctx.Queue(), ctx.Queue()
    if isinstance(processes, Path):
        table = processes.parent / "sources.csv"
        table.write_text("mn,pw,region\n" + "".join(f"{o.source.mn},{o.source.pw},{o.source.region}\n"
                                                     for o in outs), encoding="utf-8")
        server = subprocess.Popen([sys.executable, "-c", FORMER_TREE_GATEWAY, url, str(table)], text=True,
                                  stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(processes)})
        assert server.stdout is not None
        host, port = json.loads(server.stdout.readline())
    else:
        pool = ctx.Process(target=serve_pool, args=(url, {o.source.mn: o.source for o in outs}, processes, scan,
                                                      ready, stats, loop))
        pool.start()
        host, port = ready.get(timeout=120)[0]
    per = [data[i::connections] for i in range(connections)]
    loggers = ctx.Process(target=run_loggers, args=(host, port, per, outstanding, results))
    loggers.start()
    acks, seconds, logger_cpu = results.get()
    loggers.join()
    if isinstance(processes, Path):
        server.send_signal(signal.SIGTERM)
        counters = json.loads(server.communicate(timeout=120)[0].strip().splitlines()[-1])
    else:
        os.kill(pool.pid, signal.SIGTERM)
        counters = stats.get(timeout=120)
        pool.join()
    report(label, acks / seconds, "packets/s",
           f"{acks} acks of {len(data)} sent, {connections} connections × ≤ {outstanding} outstanding, "
           f"{seconds:.1f} s, acks per process {counters['acks_per_process']}")
    report(f"  {label}: gateway CPU", counters["cpu_seconds"] / max(acks, 1) * 1e6, "µs/packet",
           f"(all gateway processes; less sensitive to machine load); loggers "
           f"{logger_cpu / max(acks, 1) * 1e6:.1f} µs/packet")


def former_gateway(rev: str) -> type:
    """The ``Gateway`` class as committed at ``rev`` (git), to time the former code in the same run."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    text = subprocess.run(["git", "show", f"{rev}:src/ecer/scale/gateway.py"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("ecer_gateway_former", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(text, f"{rev}:gateway.py", "exec"), module.__dict__)  # our own file at a commit
    return module.Gateway


async def ingest(url: str, lake: str, n_packets: int, connections: int, outstanding: int,
                 gateway: type | None = None,
                 label: str = "gateway → JetStream, acknowledged") -> None:
    from ecer.scale.lake.writer import run_writer
    from ecer.scale.log.jetstream import JetStreamLog

    outs = synthetic.outlets(max(connections, 50))
    hours = n_packets // len(outs) + 1
    data = list(synthetic.traffic(outs, dt.datetime(2024, 3, 1), hours))[:n_packets]
    log = await JetStreamLog.connect(url)
    if gateway is None:
        from ecer.scale.gateway import Gateway as gateway
    gw = gateway(log, {o.source.mn: o.source for o in outs}, host="127.0.0.1", port=0)
    await gw.start()
    host, port = gw.sockets[0]
    per = [data[i::connections] for i in range(connections)]

    # the loggers run in their own process, so the figure is the gateway's, not the client's
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    loggers = ctx.Process(target=run_loggers, args=(host, port, per, outstanding, results))
    cpu = time.process_time()
    loggers.start()
    acks, seconds, logger_cpu = await asyncio.get_running_loop().run_in_executor(None, results.get)
    cpu = time.process_time() - cpu  # the gateway process: framing, checks, NATS client, replies
    loggers.join()
    await gw.stop()
    report(label, acks / seconds, "packets/s",
           f"{acks} acks of {len(data)} sent, {connections} connections × ≤ {outstanding} outstanding, "
           f"{seconds:.1f} s, most in flight {gw.stats.as_dict().get('max_in_flight', '-')}")
    report(f"  {label}: gateway CPU", cpu / max(acks, 1) * 1e6, "µs/packet",
           f"(less sensitive to machine load); loggers {logger_cpu / max(acks, 1) * 1e6:.1f} µs/packet")
    if gateway.__module__ == "ecer_gateway_former":
        await log.close()
        return
    started = time.perf_counter()
    stats = await run_writer(log, lake, batch=5000, max_buffer=100_000, idle_exit=1.0)
    seconds = time.perf_counter() - started - 1.0
    report("JetStream → lake writer (one member)", stats.rows / seconds, "readings/s",
           f"{stats.records} packets, {stats.rows} readings, {stats.files} files")
    await log.close()


def bulk_lake(root: Path, rows: int, keys: bool = True) -> int:
    """``rows`` readings shaped like the writers' output (one copy per key, sorted by outlet, code,
    time, with the integer key columns unless ``keys`` is False: a lake written before them), built
    with numpy and dictionary-encoded strings (10⁸ in a few minutes)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ecer.scale.lake.layout import file_name, partition_dir
    from ecer.scale.lake.writer import schema, with_keys

    regions = ["昌邑区", "龙潭区", "船营区", "丰满区", "蛟河市", "桦甸市", "舒兰市", "磐石市", "永吉县"]
    outlets = 20_000
    hours = max(1, rows // 3 // outlets)
    per_month = -(-hours // 12)
    rng = np.random.default_rng(9)
    mn_dict = pa.array([f"{0x0100 << 80 | i:024X}" for i in range(outlets)])
    code_dict = pa.array(["w00000", "w01018", "w21003", "a00000", "a21002", "a24088"])
    sch = schema()
    def const(value, n):
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int8)), pa.array([value])).cast(pa.string())
    written, seq0 = 0, 1
    for month in range(1, 13):
        h0, h1 = (month - 1) * per_month, min(hours, month * per_month)
        if h0 >= h1:
            break
        nh = h1 - h0
        for r, region in enumerate(regions):
            mine = np.arange(r, outlets, len(regions))
            no = len(mine)
            # packets ordered by (outlet, hour); 3 rows each by (outlet, code, hour)
            o = np.repeat(mine, nh)
            h = np.tile(np.arange(h0, h1), no)
            gas = o % 3 == 2
            seq = seq0 + h.astype(np.int64) * outlets + o
            flow_cou = np.round(np.where(gas, rng.uniform(2e4, 1.5e5, o.size), rng.uniform(3, 110, o.size)), 2)
            flow_avg = np.round(np.where(gas, rng.uniform(5, 40, o.size), rng.uniform(1, 30, o.size)), 2)
            # rows: for each outlet block, code k then hour
            blk = np.arange(no * nh).reshape(no, nh)
            order = np.stack([blk, blk, blk], axis=1).reshape(-1)  # packet index per row
            k = np.tile(np.repeat(np.arange(3), nh), no)
            pi = order
            n = pi.size
            avg = np.where(k == 0, flow_avg[pi], np.round(rng.uniform(0.1, 120, n), 2))
            cou = np.where(k == 0, flow_cou[pi], np.nan)
            code_idx = (k + np.where(gas[pi], 3, 0)).astype(np.int8)
            times = (np.datetime64("2024-01-01T00:00", "ms") + (h[pi].astype(np.int64) * 3_600_000).astype("timedelta64[ms]"))
            table = pa.table({
                "seq": pa.array(seq[pi]),
                "mn": pa.DictionaryArray.from_arrays(pa.array(o[pi].astype(np.int32)), mn_dict).cast(pa.string()),
                "region": const(region, n), "month": const(f"2024-{month:02d}", n), "cn": const("2061", n),
                "data_time": pa.array(times).cast(pa.timestamp("ms", tz="UTC")),
                "code": pa.DictionaryArray.from_arrays(pa.array(code_idx), code_dict).cast(pa.string()),
                "rtd": pa.nulls(n, pa.float64()), "min": pa.nulls(n, pa.float64()), "avg": pa.array(avg),
                "max": pa.nulls(n, pa.float64()), "cou": pa.array(cou, from_pandas=True),
                "zs_rtd": pa.nulls(n, pa.float64()), "zs_avg": pa.nulls(n, pa.float64()), "flag": const("N", n),
                "flow_avg": pa.array(flow_avg[pi]), "flow_cou": pa.array(flow_cou[pi]), "qn": pa.nulls(n, pa.string()),
            }, schema=sch)
            d = root / partition_dir(f"2024-{month:02d}", region)
            d.mkdir(parents=True, exist_ok=True)
            pq.write_table(with_keys(table) if keys else table, d / file_name(int(seq.min()), int(seq.max()), 0, 1), compression="zstd",
                           row_group_size=1 << 20)
            written += n
    return written


def jvm_cpu() -> float | None:
    """CPU seconds of this process's Spark JVM (a child ``java``), or None without one."""
    total, found = 0.0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != os.getpid() or b"java" not in (stat.parent / "cmdline").read_bytes():
                continue
        except (OSError, IndexError, ValueError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        found = True
    return total if found else None


def timed(name: str, rows: int, fn, cpu: bool = True) -> list:
    """Run ``fn`` and report its wall time (and the local Spark JVM's CPU unless ``cpu`` is False:
    a standalone cluster's executors are not this process's children)."""
    cpu = jvm_cpu() if cpu else None
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    extra = ""
    if cpu is not None:  # less sensitive to other work on the machine than the wall time
        extra = f", {(jvm_cpu() or cpu) - cpu:.1f} s JVM CPU"
    report(f"aggregate {rows:,} readings: {name}", seconds, "s",
           f"{rows / seconds / 1e6:.1f} M readings/s{extra}, load {os.getloadavg()[0]:.1f}")
    return result


def has_keys(lake: Path) -> bool:
    """Whether the lake's first file carries the integer key columns (``lake.rows.KEY_COLUMNS``)."""
    import pyarrow.parquet as pq

    from ecer.scale.lake.rows import KEY_COLUMNS

    first = next(iter(sorted(lake.glob("month=*/*/*.parquet"))), None)
    return first is not None and set(KEY_COLUMNS) <= set(pq.read_schema(first).names)


def postgres_path(lake: Path, rows_cap: int) -> None:
    """The same figures in PostgreSQL: COPY the rows into a table, run the same query."""
    import duckdb
    import psycopg

    conninfo = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    con = duckdb.connect()
    glob = f"{lake}/month=2024-*/*/*.parquet"
    n = min(rows_cap, con.execute(f"select count(*) from read_parquet('{glob}')").fetchone()[0])
    path = Path(tempfile.mkdtemp()) / "rows.csv"
    con.execute(f"copy (select seq, mn, region, month, cn, data_time, code, avg, cou, flag, flow_avg, flow_cou "
                f"from read_parquet('{glob}') limit {n}) to '{path}' (format csv, header false)")
    with psycopg.connect(conninfo, autocommit=True) as pg:
        pg.execute("drop table if exists bench_lake_readings")
        pg.execute("create unlogged table bench_lake_readings (seq bigint, mn text, region text, month text, cn text, "
                   "data_time timestamptz, code text, avg float8, cou float8, flag text, flow_avg float8, flow_cou float8)")
        started = time.perf_counter()
        with pg.cursor().copy("copy bench_lake_readings from stdin (format csv)") as copy, path.open("rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        report("PostgreSQL COPY of the same rows", n / (time.perf_counter() - started), "rows/s", f"{n:,} rows")
        # rows are first copies already; the decimal plan, as DuckDB (numeric is exact in PostgreSQL)
        pg_sql = accounting_sql(2024, DEFAULT_CODES, "bench_lake_readings", plan="decimal")
        timed("PostgreSQL (same query)", n, lambda: pg.execute(pg_sql).fetchall())
        pg.execute("drop table bench_lake_readings")
    shutil.rmtree(path.parent, ignore_errors=True)


@contextlib.contextmanager
def standalone(work: Path):
    import pyspark

    home = str(Path(pyspark.__file__).parent)
    env = {**os.environ, "SPARK_HOME": home, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOG_DIR": str(work)}
    cls = f"{home}/bin/spark-class"
    port = free_port()
    procs = [subprocess.Popen([cls, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                               "--webui-port", str(free_port())], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        wait_port(port, 60)
        for i in range(2):
            procs.append(subprocess.Popen([cls, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}",
                                           "--host", "127.0.0.1", "--cores", "1", "--memory", "6g", "--webui-port",
                                           str(free_port()), "--work-dir", str(work / f"w{i}")],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(5)
        yield f"spark://127.0.0.1:{port}"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--outstanding", type=int, default=50, help="uploads a logger keeps awaiting 9014")
    parser.add_argument("--rows", type=float, default=1e8)
    parser.add_argument("--pg-rows", type=float, default=1e7)
    parser.add_argument("--lake", default="", help="keep the synthetic lake here and reuse it when it exists "
                                                    "(e.g. /tmp/lake30m with --rows 3e7); --rows is then ignored")
    parser.add_argument("--before", action="store_true",
                        help="also time the former plans (first copy per key in the query; Spark's decimal plan; "
                             "Spark's integer plan grouped by the strings)")
    parser.add_argument("--spark-repeat", type=int, default=1,
                        help="Spark runs of each plan in one session (local, standalone), alternating (the first "
                             "is a warm-up)")
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                        help="extra Spark setting for the Spark local session (repeatable)")
    parser.add_argument("--lake-format", choices=("keyed", "strings"), default="keyed",
                        help="write the synthetic lake with the integer key columns (as the writers do) or "
                             "without (a lake written before them)")
    parser.add_argument("--gateway-before", metavar="REV", default="",
                        help="also time the gateway as committed at git REV (fresh nats-server each, alternating)")
    parser.add_argument("--before-tree", metavar="REV", default="",
                        help="also time the whole gateway path (routing, codec, JetStream client) of git REV")
    parser.add_argument("--repeat", type=int, default=1, help="ingest runs per gateway (alternating)")
    parser.add_argument("--processes", type=int, default=2, help="gateway processes behind one port (SO_REUSEPORT)")
    parser.add_argument("--loops", default="asyncio,uvloop",
                        help="event loops to time the gateway processes on (comma list of asyncio, uvloop)")
    parser.add_argument("--skip", default="", help="comma list of: ingest,ingest-decode,ingest-processes,duckdb,"
                                                   "spark-local,spark-standalone,postgres; collapse leaves out "
                                                   "--before's key-collapse and decimal plans")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    work = Path(tempfile.mkdtemp(prefix="ecer-scale-bench-"))
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        if "ingest" not in skip:
            # (kind, gateway class or processes, scan, label); all with 9014 after the PubAck
            runs: list[tuple[str, Any, bool, str, str]] = []
            if args.gateway_before:
                runs.append(("former", former_gateway(args.gateway_before), False,
                             f"gateway at {args.gateway_before} (before)", ""))
            if args.before_tree:
                runs.append(("pool", former_tree(args.before_tree, work), False,
                             f"gateway ×1 at {args.before_tree} (before)", ""))
            loops = [name for name in args.loops.split(",") if name]
            for loop in loops:
                if "ingest-decode" not in skip:
                    runs.append(("pool", 1, False, f"gateway ×1, full decode of every frame, {loop}", loop))
                runs.append(("pool", 1, True, f"gateway ×1, header scan, {loop}", loop))
                if "ingest-processes" not in skip and args.processes > 1:
                    runs.append(("pool", args.processes, True,
                                 f"gateway ×{args.processes} (SO_REUSEPORT), header scan, {loop}", loop))
            runs.append(("writer", None, True, "gateway → JetStream, acknowledged", ""))  # then the lake writer
            for i in range(args.repeat):
                for n, (kind, gateway, scan, label, loop) in enumerate(runs):
                    if kind == "writer" and i < args.repeat - 1:
                        continue
                    store = work / f"nats-{i}-{n}"  # a fresh server and stream per run
                    store.mkdir()
                    (node,) = _nodes(store, 1)
                    node.start(shutil.which("nats-server") or "/usr/sbin/nats-server", work / "nats.log")
                    try:
                        if kind == "pool":
                            pooled(node.url, args.packets, args.connections, args.outstanding, gateway, scan, label,
                                   loop or "uvloop")
                        else:
                            asyncio.run(ingest(node.url, str(work / f"lake-ingest-{i}"), args.packets,
                                               args.connections, args.outstanding, gateway, label))
                    finally:
                        node.kill()
        lake = Path(args.lake) if args.lake else work / "lake"
        started = time.perf_counter()
        if args.lake and lake.exists():  # kept from an earlier run (not removed at the end)
            import duckdb

            rows = duckdb.connect().execute(f"select count(*) from read_parquet('{lake}/month=2024-*/*/*.parquet')").fetchall()[0][0]
            report("synthetic lake reused", rows, "readings",
                   f"{lake}, {'with' if has_keys(lake) else 'WITHOUT'} integer key columns")
        else:
            rows = bulk_lake(lake, int(args.rows), keys=args.lake_format == "keyed")
            report("synthetic lake written (pyarrow, not timed)", rows, "readings",
                   f"{time.perf_counter() - started:.0f} s, {args.lake_format}")
        from ecer.scale.engines import duckdb_engine, spark_engine

        results = {}
        if "duckdb" not in skip:
            if args.before and "collapse" not in skip:
                results["duckdb-before"] = timed("DuckDB, former plan (key collapse)", rows,
                                                 lambda: duckdb_engine.aggregate(str(lake), 2024, collapse_keys=True))
            results["duckdb"] = timed("DuckDB", rows, lambda: duckdb_engine.aggregate(str(lake), 2024))
        if "spark-local" not in skip:
            conf = {"spark.driver.memory": "8g", "spark.ui.showConsoleProgress": "false",
                    **dict(item.split("=", 1) for item in args.spark_conf)}
            with spark_engine.session("local[2]", conf=conf) as spark:
                if args.before and "collapse" not in skip:
                    results["spark-before"] = timed(
                        "Spark local[2], former plan (key collapse)", rows,
                        lambda: spark_engine.aggregate_with(spark, str(lake), 2024, collapse_keys=True,
                                                            plan="integer"))
                    results["spark-decimal"] = timed(
                        "Spark local[2], decimal plan (former)", rows,
                        lambda: spark_engine.aggregate_with(spark, str(lake), 2024, plan="decimal"))
                for i in range(args.spark_repeat):
                    suffix = f" #{i + 1}" if args.spark_repeat > 1 else ""
                    if args.before:  # the integer plan grouped by the strings: Spark's plan before the key columns
                        results[f"spark-strings{suffix}"] = timed(
                            f"Spark local[2], string keys (former){suffix}", rows,
                            lambda: spark_engine.aggregate_with(spark, str(lake), 2024, plan="integer"))
                    results[f"spark-local{suffix}"] = timed(
                        f"Spark local[2], integer keys{suffix}", rows,
                        lambda: spark_engine.aggregate_with(spark, str(lake), 2024))
        if "spark-standalone" not in skip:
            with standalone(work / "spark") as master, spark_engine.session(
                    master, conf={"spark.executor.memory": "5g", "spark.cores.max": "2"}) as spark:
                for i in range(args.spark_repeat):
                    suffix = f" #{i + 1}" if args.spark_repeat > 1 else ""
                    if args.before:
                        results[f"spark-standalone-strings{suffix}"] = timed(
                            f"Spark standalone (2 workers × 1 core), string keys (former){suffix}", rows,
                            lambda: spark_engine.aggregate_with(spark, str(lake), 2024, plan="integer"), cpu=False)
                    results[f"spark-standalone{suffix}"] = timed(
                        f"Spark standalone (2 workers × 1 core), integer keys{suffix}", rows,
                        lambda: spark_engine.aggregate_with(spark, str(lake), 2024), cpu=False)
        if len({tuple(v) for v in results.values()}) > 1:
            print("ENGINES DISAGREE", flush=True)
        elif results:
            print(f"engines agree on {len(next(iter(results.values())))} totals", flush=True)
        if "postgres" not in skip:
            postgres_path(lake, int(args.pg_rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
