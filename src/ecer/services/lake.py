"""Glue of the scale tier: run a gateway or a writer until stopped; aggregate the lake into the database.

Used by ``ecer lake …`` and ``ecer monitor serve --log``; the domain (accounting SQL) lives in
``ecer.scale.engines``, the table in ``ecer.storage.lake``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ecer.domain.errors import EcerError
from ecer.scale.engines.accounting import DEFAULT_CODES, Mark, Total
from ecer.scale.engines.energy import EnergyTotal
from ecer.scale.routing import SourceEntry

ENGINES = ("duckdb", "spark")
log = logging.getLogger("ecer.scale")


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


def source_loader(url: str | None, sources_csv: Path | None) -> Callable[[], Mapping[str, SourceEntry]]:
    from ecer.scale.sources import sources_from_csv, sources_from_database

    if sources_csv is not None:
        sources_from_csv(sources_csv)  # fail now on a bad file
        return functools.partial(sources_from_csv, sources_csv)  # picklable: --processes spawns
    assert url is not None
    return functools.partial(sources_from_database, url)


def run_gateway(log_url: str, loader: Callable[[], Mapping[str, SourceEntry]], *, host: str, port: int,
                idle_timeout: float = 600.0, replicas: int = 1, reuse_port: bool = False, scan: bool = True,
                on_ready: Callable[[list[tuple[str, int]]], None] | None = None) -> dict[str, Any]:
    """Serve until SIGINT/SIGTERM; returns the gateway's counters and its CPU seconds while serving."""
    from ecer.scale.gateway import Gateway
    from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

    async def main() -> dict[str, Any]:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        journal = await JetStreamLog.connect(log_url, StreamOptions(replicas=replicas))
        gateway = Gateway(journal, loader, host=host, port=port, idle_timeout=idle_timeout, reuse_port=reuse_port,
                          scan=scan)
        await gateway.start()
        cpu = time.process_time()
        if on_ready is not None:
            on_ready(gateway.sockets)
        try:
            await stop.wait()
        finally:
            await gateway.stop()
            await journal.close()
        return {**gateway.stats.as_dict(), "cpu_seconds": round(time.process_time() - cpu, 3)}

    return asyncio.run(main())


def run_writer(log_url: str, lake: str, *, member: int = 0, members: int = 1, batch: int = 5000,
               flush_seconds: float = 5.0, drain: float | None = None) -> dict[str, Any]:
    """Write the lake until SIGINT/SIGTERM, or (``drain``) until nothing new came for that many seconds."""
    from ecer.scale.lake.meter_writer import run_meter_writer
    from ecer.scale.lake.writer import WriterStats
    from ecer.scale.lake.writer import run_writer as loop_writer
    from ecer.scale.log.jetstream import JetStreamLog

    if not 0 <= member < members:
        raise EcerError("SCALE_WRITER_MEMBER", f"member={member} members={members}")

    async def main() -> dict[str, Any]:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        journal = await JetStreamLog.connect(log_url)
        stats, meters = WriterStats(), WriterStats()
        try:  # HJ 212 packets and energy-meter readings, each by its own durable consumer
            await asyncio.gather(
                loop_writer(journal, lake, member=member, members=members, batch=batch,
                            flush_seconds=flush_seconds, idle_exit=drain, stop=stop, stats=stats),
                run_meter_writer(journal, lake, member=member, members=members, batch=batch,
                                 flush_seconds=flush_seconds, idle_exit=drain, stop=stop, stats=meters))
        finally:
            await journal.close()
        return {"member": member, "members": members, **stats.as_dict(),
                "meter_records": meters.records, "meter_rows": meters.rows, "meter_files": meters.files,
                "seconds": round(time.monotonic() - stats.started, 3)}

    return asyncio.run(main())


def compute(engine: str, lake: str, year: int, codes: Sequence[str] = DEFAULT_CODES,
            master: str = "local[*]", marks: Sequence[Mark] = ()) -> list[Total]:
    """The lake's totals for ``year`` with the chosen engine; the hours of ``marks`` (operators'
    停产/检修 periods) do not count."""
    if engine not in ENGINES:
        raise EcerError("SCALE_ENGINE_UNKNOWN", engine)
    from ecer.scale.lake.layout import year_glob

    if "://" not in lake and not any(Path(lake).glob(year_glob(".", year)[2:])):
        raise EcerError("SCALE_LAKE_EMPTY", f"{lake} {year}")
    try:
        if engine == "duckdb":
            from ecer.scale.engines import duckdb_engine

            return duckdb_engine.aggregate(lake, year, codes, marks=marks)
        from ecer.scale.engines import spark_engine

        return spark_engine.aggregate(lake, year, codes, master=master, marks=marks)
    except EcerError:
        raise
    except Exception as exc:
        raise EcerError("SCALE_ENGINE_FAILED", f"{engine}: {exc.__class__.__name__}: {str(exc)[:300]}") from exc


def compute_energy(engine: str, lake: str, year: int, master: str = "local[*]") -> list[EnergyTotal]:
    """Metered energy by region, carrier and month in the lake for ``year``; [] when it holds no meter files."""
    if engine not in ENGINES:
        raise EcerError("SCALE_ENGINE_UNKNOWN", engine)
    from ecer.scale.lake.meter_writer import year_glob

    if "://" not in lake and not any(Path(lake).glob(year_glob(".", year)[2:])):
        return []
    try:
        if engine == "duckdb":
            from ecer.scale.engines import duckdb_engine

            return duckdb_engine.aggregate_energy(lake, year)
        from ecer.scale.engines import spark_engine

        return spark_engine.aggregate_energy(lake, year, master=master)
    except EcerError:
        raise
    except Exception as exc:
        raise EcerError("SCALE_ENGINE_FAILED", f"{engine}: {exc.__class__.__name__}: {str(exc)[:300]}") from exc


def operator_marks(url: str) -> list[Mark]:
    """Every source's 停产/检修 marks from the platform database, as the engines take them."""
    from ecer.storage.db import session_scope
    from ecer.storage.ingest import as_utc
    from ecer.storage.sources import list_sources, marks_of

    with session_scope(url) as session:
        mn_of = {s.id: s.mn for s in list_sources(session)}
        return [Mark(mn_of[m.source_id], as_utc(m.start), as_utc(m.end)) for m in marks_of(session)]


def aggregate(url: str | None, engine: str, lake: str, year: int, codes: Sequence[str] = DEFAULT_CODES,
              master: str = "local[*]") -> tuple[list[Total], list[EnergyTotal]]:
    """Compute emissions and metered energy; with a database URL, replace the year's rows of
    ``lake_emission_totals`` and ``lake_energy_totals``. A lake holding only one kind computes that one."""
    energy = compute_energy(engine, lake, year, master)
    try:
        totals = compute(engine, lake, year, codes, master, operator_marks(url) if url is not None else ())
    except EcerError as exc:
        if exc.code != "SCALE_LAKE_EMPTY" or not energy:
            raise
        totals = []
    if url is not None:
        from ecer.storage.db import session_scope
        from ecer.storage.lake import replace_energy_year, replace_year

        with session_scope(url) as session:
            if totals:
                replace_year(session, year, totals, engine=engine, lake=lake)
            if energy:
                replace_energy_year(session, year, energy, engine=engine, lake=lake)
    return totals, energy
