"""The live tables beside the lake: ``ecer lake write --live`` (issue 9 §2, "optionally they keep the
last days and the hourly/daily roll-ups in PostgreSQL for the live pages").

With the log on, the gateways publish instead of inserting, so the single-node tables that the web's
在线监测 pages, the alarm rules, the meter quality checks and the meter-vs-report reconciliation read
stay empty. With ``--live`` each lake writer also stores the records it owns into those tables,
through the very functions ``ecer monitor serve`` and the meter API use:

* an HJ 212 upload goes through the server's ``Conversation`` (``ecer.server.exchanges``: registry,
  PW, deviations, an ambient station's medium) and ``reading_rows``, and is committed by the server's
  ``BatchWriter`` (``INSERT … ON CONFLICT DO NOTHING`` on (MN, CN, DataTime, code), COPY on
  PostgreSQL), with an ambient station's hourly and daily uploads turned into station concentrations
  and alarms (``environment_hj212.ingest_packets``) in the same transaction;
* a meter reading goes through ``storage.meter_data.ingest`` (skips a key already stored, keeps the
  first value), so ``meter_data.month_quality`` and the reconciliation see it.

Both stores are idempotent, so a replay after a crash stores nothing twice. The writer acknowledges
the log only after the Parquet files *and* the database commit are done (``LiveLakeFiles.write``
returns after both; ``writer.consume_into`` acknowledges after it returns).

Only recent uploads are copied: real-time, minute and the other short records (CN 2011, 2051, 2021,
2081) of the last ``days``, hourly and daily records (2061, 2031, 2041) of the last ``rollup_days``
(by DataTime). What grows older is deleted by the monitoring retention already in the storage layer:
the writer sets each of those CNs' ``monitoring_retention`` to its horizon (unless the operator set a
shorter one) and runs ``apply_retention`` on start and every ``retention_every`` seconds. Meter
readings are copied whatever their age and never deleted here: the month checks and the year's
reconciliation need whole months and years (a unit sends a few readings a day).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ecer.domain.errors import EcerError
from ecer.scale.lake.layout import WINDOW
from ecer.scale.lake.meter_writer import MeterFiles, run_meter_writer
from ecer.scale.lake.writer import LakeFiles, WriterStats, run_writer
from ecer.scale.log.base import Log, Record

log = logging.getLogger("ecer.scale.live")

DAYS: Final = 7  # real-time and minute data kept live [d]; the 在线监测 curves show 7 days
#: hourly and daily records kept live [d]: the permit alarm and a source's amounts add up the calendar year
ROLLUP_DAYS: Final = 366
#: HJ 212-2017 Appendix C.17 hourly, C.18 daily, C.19 daily running time: kept ``rollup_days``.
ROLLUPS: Final = frozenset({"2061", "2031", "2041"})
#: C.14 real-time, C.16 minute, C.15 running state, C.24 restart: kept ``days``.
SHORT: Final = frozenset({"2011", "2051", "2021", "2081"})
ACTOR: Final = "ecer lake write"
ATTEMPTS: Final = 3  # commits tried before the writer gives up (nothing acknowledged: the log keeps it)


@dataclass(frozen=True)
class LiveOptions:
    """Where the live tables are and how far back they reach."""

    url: str
    days: int = DAYS
    rollup_days: int = ROLLUP_DAYS
    retention_every: float = 3600.0  # s between two runs of the retention
    reload_seconds: float = 30.0  # s between two reads of the source registry

    def __post_init__(self) -> None:
        if self.days < 1 or self.rollup_days < 1:
            raise ValueError("days and rollup_days must be at least 1")

    def horizon_days(self, cn: str) -> int:
        return self.rollup_days if cn in ROLLUPS else self.days


@dataclass
class LiveStats:
    packets: int = 0  # uploads stored (their readings may all have been held already)
    readings: int = 0  # reading rows handed to the database (a replay's are ignored there)
    old: int = 0  # uploads older than their CN's horizon: not copied
    refused: int = 0  # uploads the live registry does not accept (unknown MN, wrong PW…): not copied
    ambient: int = 0  # ambient stations' uploads turned into station concentrations
    meter_stored: int = 0
    meter_duplicates: int = 0  # already in meter_readings (a replay), same value
    meter_conflicts: int = 0  # already there with another value: the first stored is kept
    meter_unknown: int = 0  # unit or meter not registered in the live database: not copied
    commits: int = 0
    db_seconds: float = 0.0
    deleted: int = 0  # readings removed by the retention
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: float) -> None:
        with self._lock:  # the HJ 212 and the meter writer run on different threads
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, float | int]:
        return {f"live_{k}": round(v, 3) if isinstance(v, float) else v
                for k, v in self.__dict__.items() if not k.startswith("_")}


def _committed(stats: LiveStats, what: str, commit: Callable[[], Any]) -> Any:
    """Run ``commit``, tried ``ATTEMPTS`` times; raises when every try failed (the batch is not acknowledged)."""
    started = time.perf_counter()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = commit()
            break
        except Exception as exc:
            if attempt == ATTEMPTS:
                raise EcerError("SCALE_LIVE_NOT_STORED", f"{what}: {exc.__class__.__name__} {exc}") from exc
            log.exception("%s not committed (attempt %d of %d)", what, attempt, ATTEMPTS)
            time.sleep(0.5 * attempt)
    stats.add(commits=1, db_seconds=time.perf_counter() - started)
    return result


class LiveReadings:
    """HJ 212 records → ``monitoring_readings`` (and the environment tables), as the server stores them."""

    def __init__(self, options: LiveOptions, stats: LiveStats, member: int = 0, members: int = 1,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        from ecer.protocol.hj212.cp import CST
        from ecer.server.exchanges import Conversation
        from ecer.storage.ingest import BatchWriter

        self.options, self.stats, self.member, self.members, self.now = options, stats, member, members, now
        self.db = BatchWriter(options.url)
        self._sources: dict[str, Any] = {}
        self._loaded = 0.0
        self._retained = float("-inf")
        self.conversation = Conversation(lambda: self._sources, peer="lake", backfill=False,
                                         now=lambda: self.now().astimezone(CST))

    def _load_sources(self) -> None:
        """The registry as the server reads it (``Hj212Server.load_sources``)."""
        from ecer.server.exchanges import SourceInfo
        from ecer.storage.ingest import registered_sources

        self._sources = {s.mn: SourceInfo(mn=s.mn, pw=s.pw, kind=s.kind, st=s.st,
                                          accepted=frozenset(s.accepted_deviations or ()),
                                          extensions=frozenset(str(c) for c in s.vendor_extensions or ()),
                                          intervals={str(k): int(v) for k, v in (s.intervals or {}).items()})
                         for s in registered_sources(self.options.url)}
        self._loaded = time.monotonic()

    def store(self, records: Sequence[Record]) -> None:
        """Commit the readings of the uploads this member owns; returns once committed."""
        from ecer.protocol.hj212.codec import decode
        from ecer.scale.lake.rows import parse_subject, share_of

        if time.monotonic() - self._loaded > self.options.reload_seconds:
            self._load_sources()
        now = self.now()
        horizons = {cn: now - dt.timedelta(days=self.options.horizon_days(cn)) for cn in SHORT | ROLLUPS}
        rows: list[tuple[object, ...]] = []
        ambient: list[Any] = []
        packets = old = refused = 0
        for record in records:
            _region, mn = parse_subject(record.subject)
            if self.members > 1 and share_of(mn, self.members) != self.member:
                continue
            packet = decode(record.data)
            horizon = horizons.get(packet.cn or "")
            if horizon is not None and packet.data_time is not None and packet.data_time < horizon:
                old += 1
                continue
            if packet.mn not in self._sources and time.monotonic() - self._loaded > 1.0:
                self._load_sources()  # registered since the last read
            outcome = self.conversation.handle(packet, record.data)
            if outcome.quarantine is not None:  # the gateway's registry accepted it, the live one does not
                refused += 1
                log.warning("not copied to the live tables: %s %s", outcome.quarantine[2], outcome.quarantine[3])
                continue
            if not outcome.rows:
                continue
            packets += 1
            rows.extend(outcome.rows)
            if outcome.ambient is not None:
                ambient.append(outcome.ambient)
        if rows:
            from ecer.services.environment_hj212 import ingest_packets

            derive = (lambda session: ingest_packets(session, ambient)) if ambient else None
            _committed(self.stats, f"{len(rows)} readings", lambda: self.db.write(rows, (), derive))
        self.stats.add(packets=packets, readings=len(rows), old=old, refused=refused, ambient=len(ambient))
        if time.monotonic() - self._retained >= self.options.retention_every:
            self.retain()

    def retain(self) -> None:
        """Keep each copied CN no longer than its horizon (``monitoring_retention``), then apply it."""
        from ecer.services.monitoring import apply_retention, retention, set_retention

        self._retained = time.monotonic()
        configured = {row["cn"]: row["days"] for row in retention(self.options.url)}
        for cn in sorted(SHORT | ROLLUPS):
            days = self.options.horizon_days(cn)
            if configured.get(cn) is None or configured[cn] > days:
                set_retention(self.options.url, cn, days, ACTOR)
        deleted = sum(row["deleted"] for row in apply_retention(self.options.url, self.now(), ACTOR))
        self.stats.add(deleted=deleted)


class LiveMeters:
    """Meter records → ``meter_readings``, through the meter API's storage function."""

    def __init__(self, options: LiveOptions, stats: LiveStats, member: int = 0, members: int = 1) -> None:
        self.options, self.stats, self.member, self.members = options, stats, member, members

    def store(self, records: Sequence[Record]) -> None:
        """Commit the readings this member owns; returns once committed."""
        from ecer.scale.meters import MeterMessage, share_of
        from ecer.storage.meter_data import IncomingReading

        by_unit: dict[str, list[IncomingReading]] = defaultdict(list)
        for record in records:
            if self.members > 1 and share_of(record.subject, self.members) != self.member:
                continue
            m = MeterMessage.decode(record.data)
            by_unit[m.credit_code].append(IncomingReading(m.meter, m.at, m.period, m.value))  # log order
        if by_unit:
            counts = _committed(self.stats, "meter readings", lambda: self._ingest(by_unit))
            self.stats.add(**counts)

    def _ingest(self, by_unit: Mapping[str, list[Any]]) -> dict[str, int]:
        from sqlalchemy import select

        from ecer.storage import meter_data
        from ecer.storage.db import session_scope
        from ecer.storage.key_units import KeyUnit

        counts = {"meter_stored": 0, "meter_duplicates": 0, "meter_conflicts": 0, "meter_unknown": 0}
        with session_scope(self.options.url, check=False) as session:
            units = {u.credit_code: u for u in session.scalars(select(KeyUnit).where(KeyUnit.credit_code.in_(by_unit)))}
            for credit, readings in by_unit.items():
                unit = units.get(credit)
                meters = meter_data.meters_of(session, unit.id) if unit is not None else {}
                known = [r for r in readings if r.meter in meters]
                counts["meter_unknown"] += len(readings) - len(known)
                if unit is None or not known:
                    continue
                result = meter_data.ingest(session, unit.id, known, meters)
                counts["meter_stored"] += result.stored
                counts["meter_duplicates"] += result.duplicates
                counts["meter_conflicts"] += len(result.conflicts)
        if counts["meter_unknown"]:
            log.warning("%d meter readings of units or meters not registered in the live database: not copied",
                        counts["meter_unknown"])
        return counts


class _ThenLive:
    """Lake files, then the live tables: ``write`` returns once both are durable (the writer
    acknowledges the log after it returns)."""

    def __init__(self, root: str, live: LiveReadings | LiveMeters, member: int = 0, members: int = 1,
                 **kwargs: Any) -> None:
        super().__init__(root, member, members, **kwargs)  # type: ignore[call-arg]
        self.live = live

    def write(self, records: Sequence[Record]) -> tuple[int, list[str]]:
        written: tuple[int, list[str]] = super().write(records)  # type: ignore[misc]
        self.live.store(records)
        return written


class LiveLakeFiles(_ThenLive, LakeFiles):
    """The HJ 212 lake files, then the monitoring tables (``LiveReadings``)."""


class LiveMeterFiles(_ThenLive, MeterFiles):
    """The meter lake files, then ``meter_readings`` (``LiveMeters``)."""


async def run_live_writers(log_: Log, lake: str, live: LiveOptions, *, member: int = 0, members: int = 1,
                           batch: int = 5000, flush_seconds: float = 5.0, window: int = WINDOW,
                           idle_exit: float | None = None, stop: asyncio.Event | None = None
                           ) -> tuple[WriterStats, WriterStats, LiveStats]:
    """Both lake writers of one member (HJ 212 and meters), each also filling its live tables;
    the retention runs once before the first batch."""
    stats, meters, live_stats = WriterStats(), WriterStats(), LiveStats()
    readings = LiveReadings(live, live_stats, member, members)
    await asyncio.get_running_loop().run_in_executor(None, readings.retain)
    await asyncio.gather(
        run_writer(log_, lake, member=member, members=members, batch=batch, flush_seconds=flush_seconds,
                   window=window, idle_exit=idle_exit, stop=stop, stats=stats,
                   files=LiveLakeFiles(lake, readings, member, members, window=window)),
        run_meter_writer(log_, lake, member=member, members=members, batch=batch, flush_seconds=flush_seconds,
                         window=window, idle_exit=idle_exit, stop=stop, stats=meters,
                         files=LiveMeterFiles(lake, LiveMeters(live, live_stats, member, members), member, members,
                                              window=window)))
    return stats, meters, live_stats


def run(log_url: str, lake: str, live: LiveOptions, *, member: int = 0, members: int = 1, batch: int = 5000,
        flush_seconds: float = 5.0, drain: float | None = None) -> dict[str, Any]:
    """``ecer lake write --live``: as ``services.lake.run_writer`` (until SIGINT/SIGTERM, or ``drain``
    seconds with nothing new), plus the live tables; returns the same counters and the live ones."""
    from ecer.scale.log.jetstream import JetStreamLog

    async def main() -> dict[str, Any]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        journal = await JetStreamLog.connect(log_url)
        try:
            stats, meters, live_stats = await run_live_writers(
                journal, lake, live, member=member, members=members, batch=batch, flush_seconds=flush_seconds,
                idle_exit=drain, stop=stop)
        finally:
            await journal.close()
        return {"member": member, "members": members, **stats.as_dict(),
                "meter_records": meters.records, "meter_rows": meters.rows, "meter_files": meters.files,
                **live_stats.as_dict(), "seconds": round(time.monotonic() - stats.started, 3)}

    return asyncio.run(main())
