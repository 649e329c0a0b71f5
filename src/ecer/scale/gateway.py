"""The HJ 212 gateway of the scale tier: frame, check, publish to the log, then acknowledge.

The transport only feeds bytes to the codec's ``Framer``; ``ecer.scale.routing.route`` decides
what each frame is. All frames of one read are published concurrently; each upload's 9014 is
written only after the log returned its receipt (for JetStream: stored on the stream's replicas),
in the order the packets arrived. A packet the log did not confirm gets no acknowledgement, so the
data logger sends it again (HJ 212-2017 §6.5 / Appendix C: 超时重发).

Gateways keep no state beyond the source registry, so several run side by side behind one address
(DNS round robin or a TCP load balancer); the log's message-id deduplication makes a packet that a
device re-sends to another gateway count once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ecer.protocol.hj212 import framer as _framer
from ecer.scale.log.base import Log
from ecer.scale.routing import Route, SourceEntry, refuse, route

log = logging.getLogger("ecer.scale.gateway")

READ_SIZE = 65536


@dataclass
class GatewayStats:
    connections: int = 0
    frames: int = 0
    published: int = 0
    duplicates: int = 0
    acks: int = 0
    refused: int = 0
    not_stored: int = 0
    garbage_bytes: int = 0
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, int | float]:
        return {k: v for k, v in self.__dict__.items() if k != "started"}


class Gateway:
    """``await gw.start()`` … ``await gw.stop()``; ``gw.sockets`` gives the bound addresses."""

    def __init__(self, log_: Log, sources: Mapping[str, SourceEntry] | Callable[[], Mapping[str, SourceEntry]],
                 *, host: str = "0.0.0.0", port: int = 9212, idle_timeout: float = 600.0,
                 max_in_flight: int = 20000, reload_seconds: float = 30.0) -> None:
        self.log = log_
        self._load = sources if callable(sources) else (lambda: sources)
        self.sources: Mapping[str, SourceEntry] = {}
        self.host, self.port = host, port
        self.idle_timeout = idle_timeout
        self.reload_seconds = reload_seconds
        self.stats = GatewayStats()
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._reload_task: asyncio.Task[None] | None = None

    @property
    def sockets(self) -> list[tuple[str, int]]:
        assert self._server is not None
        return [s.getsockname()[:2] for s in self._server.sockets]

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.sources = await loop.run_in_executor(None, self._load)
        self._server = await asyncio.start_server(self._handle, self.host, self.port, limit=READ_SIZE)
        self._reload_task = asyncio.create_task(self._reload_loop())
        log.info("gateway on %s, %d sources", self.sockets, len(self.sources))

    async def _reload_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.reload_seconds)
            with contextlib.suppress(Exception):
                self.sources = await loop.run_in_executor(None, self._load)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self.stats.connections += 1
        cutter = _framer.Framer()
        try:
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(READ_SIZE), self.idle_timeout)
                except TimeoutError:
                    break
                cutter.receive_data(data)
                routes = [r for r in (self._route(e) for e in cutter.events()) if r is not None]
                if routes:
                    await self._dispatch(routes, writer)
                if not data:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    def _route(self, event: _framer.Event) -> Route | None:
        if isinstance(event, _framer.Frame):
            self.stats.frames += 1
            return route(event.raw, self.sources)
        if isinstance(event, _framer.Oversize):
            return refuse(b"##" + event.declared + event.prefix, "MONITOR_PACKET_REFUSED",
                          f"HJ212_TOO_LONG {event.data_length}")
        if isinstance(event, _framer.Garbage):
            self.stats.garbage_bytes += len(event.data)
        return None

    async def _dispatch(self, routes: list[Route], writer: asyncio.StreamWriter) -> None:
        for r in routes:
            for reply in r.reply_now:
                writer.write(reply)
        results = await asyncio.gather(*(self._store(r) for r in routes))
        for r, stored in zip(routes, results, strict=True):
            if stored and r.ack is not None and not writer.is_closing():
                writer.write(r.ack)
                self.stats.acks += 1
        await writer.drain()

    async def _store(self, r: Route) -> bool:
        if r.subject is None:
            return False
        raw = r.raw
        async with self._in_flight:
            try:
                if r.msg_id is None:
                    self.stats.refused += 1
                    await self.log.publish_unique(r.subject, raw)
                    return False
                receipt = await self.log.publish(r.subject, raw, r.msg_id)
            except Exception as exc:  # not stored: no acknowledgement, the device sends again
                self.stats.not_stored += 1
                log.warning("not stored %s: %r", r.subject, exc)
                return False
        self.stats.published += 1
        self.stats.duplicates += receipt.duplicate
        return True

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._reload_task is not None:
            self._reload_task.cancel()
        for task in list(self._handlers):
            task.cancel()
        if self._handlers:
            await asyncio.gather(*self._handlers, return_exceptions=True)
        log.info("gateway stopped: %s", self.stats.as_dict())
