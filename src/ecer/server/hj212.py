"""The HJ 212 TCP server: asyncio transport only; framing, exchanges and storage live elsewhere.

Each connection feeds the bytes it reads to its own ``Framer`` and hands every frame to its
``Conversation`` (``ecer.server.exchanges``). Packets to store go into one bounded queue; a single
writer task takes everything waiting (up to ``batch_max`` packets), commits it in one transaction
on a writer thread (``ecer.storage.ingest.BatchWriter``), and only then writes each packet's 9014
acknowledgement. Ambient stations' hourly and daily uploads become station concentrations
(``ecer.services.environment_hj212.ingest_packets``) inside that same transaction. When the queue is
full a connection stops reading its socket, so TCP flow control slows the data logger down
(back-pressure) instead of the server buffering without bound.

A clean shutdown (``stop``: SIGINT or SIGTERM under ``ecer monitor serve``) stops accepting and
reading, lets the writer commit what is queued, sends those acknowledgements, then closes. Data
acknowledged before a kill -9 is already committed (SQLite in WAL mode, or PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ecer.protocol.hj212 import framer as _framer
from ecer.server.exchanges import Conversation, Outcome, SourceInfo
from ecer.services.environment_hj212 import ingest_packets
from ecer.storage.ingest import BatchWriter, latest_times, registered_sources

log = logging.getLogger("ecer.monitor")

READ_SIZE = 65536


@dataclass
class ServerConfig:
    host: str = "0.0.0.0"
    port: int = 9212
    idle_timeout: float = 600.0  # s without a byte before a connection is closed (loggers send ≥ every 10 min)
    queue_size: int = 20000  # packets waiting for the writer before connections stop reading
    batch_max: int = 5000  # packets per transaction at most
    reload_seconds: float = 30.0  # how often the source registry is re-read
    ask_time: bool = False  # ask each device for its clock (1011) on its first packet
    max_clock_skew: float = 60.0  # s; a larger difference is corrected with 1012
    backfill: bool = True  # request back-fill (2051/2061/2031 BeginTime/EndTime) for detected gaps


@dataclass
class Stats:
    connections: int = 0
    frames: int = 0
    garbage_bytes: int = 0
    stored_packets: int = 0
    readings: int = 0
    quarantined: int = 0
    acks: int = 0
    replies: int = 0
    batches: int = 0
    write_seconds: float = 0.0
    failed_batches: int = 0
    ambient_packets: int = 0  # ambient stations' 2061/2031 uploads turned into station concentrations
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, float | int]:
        return {k: v for k, v in self.__dict__.items() if k != "started"}


@dataclass
class _Item:
    outcome: Outcome
    writer: asyncio.StreamWriter
    peer: str


_STOP = object()


class Hj212Server:
    """``await server.start()``, then ``await server.stop()`` for a clean shutdown."""

    def __init__(self, url: str, config: ServerConfig | None = None) -> None:
        self.url = url
        self.config = config or ServerConfig()
        self.stats = Stats()
        self.db = BatchWriter(url)
        self._sources: dict[str, SourceInfo] = {}
        self._last_seen: dict[tuple[str, str], dt.datetime] = {}
        self._queue: asyncio.Queue[object] | None = None
        self._server: asyncio.Server | None = None
        self._writer_task: asyncio.Task[None] | None = None
        self._reload_task: asyncio.Task[None] | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._streams: set[asyncio.StreamWriter] = set()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="ecer-writer")
        self._last_reload = 0.0
        self._closing = False

    @property
    def sockets(self) -> list[tuple[str, int]]:
        assert self._server is not None
        return [s.getsockname()[:2] for s in self._server.sockets]

    def sources(self) -> Mapping[str, SourceInfo]:
        return self._sources

    def load_sources(self) -> dict[str, SourceInfo]:
        result = {}
        for s in registered_sources(self.url):
            result[s.mn] = SourceInfo(
                mn=s.mn, pw=s.pw, kind=s.kind, st=s.st, accepted=frozenset(s.accepted_deviations or ()),
                extensions=frozenset(str(c) for c in s.vendor_extensions or ()),
                intervals={str(k): int(v) for k, v in (s.intervals or {}).items()})
        return result

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._sources = await loop.run_in_executor(None, self.load_sources)
        self._last_seen.update(await loop.run_in_executor(None, latest_times, self.url))
        self._last_reload = time.monotonic()
        self._queue = asyncio.Queue(self.config.queue_size)
        self._writer_task = asyncio.create_task(self._write_loop(), name="ecer-writer")
        self._reload_task = asyncio.create_task(self._reload_loop(), name="ecer-reload")
        self._server = await asyncio.start_server(self._handle, self.config.host, self.config.port,
                                                  limit=READ_SIZE)
        log.info("listening on %s with %d sources", self.sockets, len(self._sources))

    async def reload(self) -> None:
        loop = asyncio.get_running_loop()
        self._last_reload = time.monotonic()
        self._sources = await loop.run_in_executor(None, self.load_sources)

    async def _reload_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.reload_seconds)
            with contextlib.suppress(Exception):
                await self.reload()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None and self._queue is not None
        if self._closing:
            writer.close()
            return
        self._handlers.add(task)
        self._streams.add(writer)
        self.stats.connections += 1
        peername = writer.get_extra_info("peername")
        peer = f"{peername[0]}:{peername[1]}" if peername else ""
        conversation = Conversation(self.sources, peer=peer, last_seen=self._last_seen,
                                    ask_time=self.config.ask_time, max_clock_skew=self.config.max_clock_skew,
                                    backfill=self.config.backfill)
        cutter = _framer.Framer()
        queue = self._queue
        try:
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(READ_SIZE), self.config.idle_timeout)
                except TimeoutError:
                    log.info("%s idle for %.0f s: closed", peer, self.config.idle_timeout)
                    break
                cutter.receive_data(data)
                for event in cutter.events():
                    outcome = self._outcome(conversation, event)
                    if outcome is None:
                        continue
                    for reply in outcome.reply_now:
                        writer.write(reply)
                        self.stats.replies += 1
                    if outcome.needs_commit:
                        item = _Item(outcome, writer, peer)
                        if queue.full():  # back-pressure: stop reading this socket until the writer catches up
                            await queue.put(item)
                        else:
                            queue.put_nowait(item)
                    if outcome.log:
                        log.debug("%s %s", peer, outcome.log)
                if not data:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            # the writer may still owe acknowledgements to this stream: it closes unowned streams
            if not self._closing:
                await queue.put(_Item(Outcome(), writer, peer))  # marker: close after pending acks

    def _outcome(self, conversation: Conversation, event: _framer.Event) -> Outcome | None:
        if isinstance(event, _framer.Frame):
            self.stats.frames += 1
            outcome = conversation.handle_frame(event.raw)
            if (outcome.quarantine is not None and outcome.quarantine[2] == "MONITOR_UNKNOWN_MN"
                    and time.monotonic() - self._last_reload > 1.0):
                self._last_reload = time.monotonic()
                asyncio.get_running_loop().create_task(self.reload())
            return outcome
        if isinstance(event, _framer.Oversize):
            raw = b"##" + event.declared + event.prefix
            return conversation.refuse(raw, "MONITOR_PACKET_REFUSED", f"HJ212_TOO_LONG {event.data_length}")
        if isinstance(event, _framer.Discarded):
            return conversation.refuse(event.prefix, "MONITOR_PACKET_REFUSED", f"HJ212_FRAME_DISCARDED {event.size}")
        if isinstance(event, _framer.Garbage):
            self.stats.garbage_bytes += len(event.data)
        return None

    async def _write_loop(self) -> None:
        assert self._queue is not None
        queue, loop, limit = self._queue, asyncio.get_running_loop(), self.config.batch_max
        stopping = False
        while not stopping:
            first = await queue.get()
            if first is _STOP:
                break
            batch = [first]
            while len(batch) < limit:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            await self._commit(loop, batch)  # type: ignore[arg-type]

    async def _commit(self, loop: asyncio.AbstractEventLoop, batch: list[_Item]) -> None:
        rows = [row for item in batch for row in item.outcome.rows]
        quarantine = [(dt.datetime.now(dt.UTC), item.peer, *item.outcome.quarantine)
                      for item in batch if item.outcome.quarantine is not None]
        ambient = [item.outcome.ambient for item in batch if item.outcome.ambient is not None]
        derive = (lambda session: ingest_packets(session, ambient)) if ambient else None
        if rows or quarantine:
            started = time.perf_counter()
            for attempt in range(3):
                try:
                    await loop.run_in_executor(self._executor, self.db.write, rows, quarantine, derive)
                    break
                except Exception:
                    log.exception("batch of %d packets not written (attempt %d)", len(batch), attempt + 1)
                    await asyncio.sleep(0.5 * (attempt + 1))
            else:  # nothing committed: nothing acknowledged; the loggers will send again
                self.stats.failed_batches += 1
                return
            self.stats.write_seconds += time.perf_counter() - started
            self.stats.batches += 1
            self.stats.readings += len(rows)
            self.stats.quarantined += len(quarantine)
            self.stats.ambient_packets += len(ambient)
        acks: dict[asyncio.StreamWriter, list[bytes]] = {}
        for item in batch:
            outcome, writer = item.outcome, item.writer
            if outcome.rows:
                self.stats.stored_packets += 1
            if outcome.ack is not None:
                acks.setdefault(writer, []).append(outcome.ack)
            elif not outcome.needs_commit:  # the connection's close marker: flush its acks first
                self._send(writer, acks.pop(writer, []))
                self._streams.discard(writer)
                writer.close()
        for writer, pending in acks.items():
            self._send(writer, pending)

    def _send(self, writer: asyncio.StreamWriter, acks: list[bytes]) -> None:
        """One write (one system call) per connection and batch, in the order the packets came."""
        if acks and not writer.is_closing():
            writer.write(b"".join(acks))
            self.stats.acks += len(acks)

    async def stop(self) -> None:
        """Stop accepting and reading; commit and acknowledge what is queued; close every connection."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        if self._reload_task is not None:
            self._reload_task.cancel()
        for task in list(self._handlers):
            task.cancel()
        if self._handlers:
            await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._queue is not None and self._writer_task is not None:
            await self._queue.put(_STOP)
            await self._writer_task
        for writer in list(self._streams):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.drain(), 2.0)
            writer.close()
        self._streams.clear()
        self._executor.shutdown(wait=True)
        log.info("stopped: %s", self.stats.as_dict())


async def serve(url: str, config: ServerConfig, stop: asyncio.Event, ready: asyncio.Event | None = None) -> Stats:
    """Run until ``stop`` is set; used by ``ecer monitor serve`` and the tests."""
    server = Hj212Server(url, config)
    await server.start()
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        await server.stop()
    return server.stats
