"""The HJ 212 gateway of the scale tier: frame, check, publish to the log, then acknowledge.

Each connection is an asyncio ``Protocol`` (no task, no coroutine per packet): its bytes go to
the codec's ``Framer`` (through ``ecer.scale.frames.Cutter``, which takes a read of whole frames
apart in one call); ``ecer.scale.routing.route`` decides what each frame is. Publishing is
pipelined: a packet goes to the log as soon as it is framed (``Log.send``: no waiting) and joins
the connection's queue in arrival order; the log calls back when *that packet* was stored (for
JetStream: the PubAck, after the stream's replicas agreed). Once per event-loop tick the gateway
writes, for each connection, the 9014s of the stored packets at the head of its queue — in one
write — and stops at the first packet still waiting. So the acknowledgements of one connection
keep the order of its packets (HJ 212-2017 §6.5: the reply answers the upload by its QN), and
reading goes on while earlier packets await their PubAck. A packet the log did not confirm gets no
acknowledgement, so the data logger sends it again (Appendix C: 超时重发).

``max_in_flight`` bounds the packets of all connections that were sent to the log and await
their receipt: when the window is full, the connection that filled it stops reading (TCP pushes
back on the devices) and takes up its cut packets again when receipts come back; a connection
whose device does not read its replies stops being read too.

Gateways keep no state beyond the source registry, so several run side by side behind one address
(DNS round robin or a TCP load balancer); the log's message-id deduplication makes a packet that a
device re-sends to another gateway count once. On one machine ``reuse_port=True`` (``SO_REUSEPORT``)
lets several gateway processes listen on the same port and the kernel spreads the connections
(``ecer lake gateway --processes N``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecer.protocol.hj212 import framer as _framer
from ecer.scale.frames import Cutter
from ecer.scale.log.base import Log
from ecer.scale.routing import Route, SourceEntry, refuse, route

log = logging.getLogger("ecer.scale.gateway")
#: Connections the kernel queues before they are accepted (asyncio's default is 100): after a
#: restart every device reconnects at once, and a full queue drops SYNs that are retried only
#: after 1 s, 3 s, 7 s … (the kernel caps it at net.core.somaxconn).
BACKLOG = 4096

#: A packet's place in its connection's queue: [connection, 9014 or None, state]
_WAITING, _STORED, _FAILED = 0, 1, 2
_QUARANTINE = object()  # the ticket of a refused packet: stored for the record, answered with nothing


@dataclass
class GatewayStats:
    connections: int = 0
    frames: int = 0
    published: int = 0
    duplicates: int = 0
    acks: int = 0
    refused: int = 0
    not_stored: int = 0
    max_in_flight: int = 0  # most packets awaiting their receipt at one time (≤ the window)
    garbage_bytes: int = 0
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, int | float]:
        return {k: v for k, v in self.__dict__.items() if k != "started"}


class _Connection(asyncio.Protocol):
    """One device's TCP connection: bytes to frames to the gateway, 9014s back in packet order."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.cutter = Cutter()
        self.frames: deque[bytes | _framer.Event] = deque()  # cut, not yet routed (the window was full)
        self.queue: deque[list[Any]] = deque()  # [self, ack, state] per packet sent, arrival order
        self.transport: asyncio.Transport | None = None
        self.blocked = False  # the window was full: cut packets wait in ``frames``
        self.write_paused = False  # the device does not read its replies
        self.ended = False  # the device closed its side: close once the queue is answered
        self.last = 0.0  # loop time of the last bytes (idle timeout)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.last = self.gateway.loop.time()
        self.gateway.opened(self)

    def data_received(self, data: bytes) -> None:
        self.last = self.gateway.loop.time()
        self.frames.extend(self.cutter.feed(data))
        self.gateway.take(self)

    def eof_received(self) -> bool:
        self.finish()
        return True  # keep writing the acknowledgements of what gets stored

    def finish(self) -> None:
        """No more input (the device closed, or went idle): answer what gets stored, then close."""
        if self.ended:
            return
        if self.transport is not None and not self.transport.is_closing():
            with contextlib.suppress(Exception):  # already stopped by the end of the stream
                self.transport.pause_reading()
        self.ended = True
        self.frames.extend(self.cutter.feed(b""))
        self.gateway.take(self)
        self.gateway.close_if_answered(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.queue.clear()
        self.gateway.closed(self)

    def pause_writing(self) -> None:
        self.write_paused = True
        self.reading()

    def resume_writing(self) -> None:
        self.write_paused = False
        self.reading()

    def reading(self) -> None:
        """Read while the window has room and the device takes its replies."""
        if self.transport is not None and not self.ended:
            if self.blocked or self.write_paused:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()


class Gateway:
    """``await gw.start()`` … ``await gw.stop()``; ``gw.sockets`` gives the bound addresses."""

    def __init__(self, log_: Log, sources: Mapping[str, SourceEntry] | Callable[[], Mapping[str, SourceEntry]],
                 *, host: str = "0.0.0.0", port: int = 9212, idle_timeout: float = 600.0,
                 max_in_flight: int = 4096, reload_seconds: float = 30.0, reuse_port: bool = False,
                 scan: bool = True) -> None:
        self.log = log_
        self._load = sources if callable(sources) else (lambda: sources)
        self.sources: Mapping[str, SourceEntry] = {}
        self.host, self.port = host, port
        self.idle_timeout = idle_timeout
        self.reload_seconds = reload_seconds
        self.reuse_port = reuse_port
        self.scan = scan  # False: decode every frame in full (the former routing, kept to compare)
        self.stats = GatewayStats()
        self.max_in_flight = max_in_flight
        self.in_flight = 0  # packets sent to the log, receipt not yet back
        self._blocked: deque[_Connection] = deque()  # stopped by the full window, in the order they stopped
        self._connections: set[_Connection] = set()
        self._answer: set[_Connection] = set()  # connections with receipts back since the last write
        self._answering = False
        self._server: asyncio.Server | None = None
        self._timers: list[asyncio.Task[None]] = []
        self.loop: asyncio.AbstractEventLoop  # set by ``start``

    @property
    def sockets(self) -> list[tuple[str, int]]:
        assert self._server is not None
        return [s.getsockname()[:2] for s in self._server.sockets]

    async def start(self) -> None:
        self.loop = loop = asyncio.get_running_loop()
        self.sources = await loop.run_in_executor(None, self._load)
        self._server = await loop.create_server(lambda: _Connection(self), self.host, self.port, backlog=BACKLOG,
                                                reuse_port=self.reuse_port or None)
        self._timers = [asyncio.ensure_future(self._reload_loop()), asyncio.ensure_future(self._idle_loop())]
        log.info("gateway on %s, %d sources", self.sockets, len(self.sources))

    async def _reload_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.reload_seconds)
            with contextlib.suppress(Exception):
                self.sources = await loop.run_in_executor(None, self._load)

    async def _idle_loop(self) -> None:
        """Close connections that sent nothing for ``idle_timeout`` (not those the window stopped)."""
        while True:
            await asyncio.sleep(min(self.idle_timeout, 30.0) / 4)
            quiet = self.loop.time() - self.idle_timeout
            for conn in [c for c in self._connections if c.last < quiet and not c.blocked and not c.ended]:
                conn.finish()  # as if the device had closed: still acknowledge what gets stored

    def opened(self, conn: _Connection) -> None:
        self._connections.add(conn)
        self.stats.connections += 1

    def closed(self, conn: _Connection) -> None:
        self._connections.discard(conn)
        self._answer.discard(conn)
        if conn.blocked:
            conn.blocked = False
            with contextlib.suppress(ValueError):
                self._blocked.remove(conn)

    def take(self, conn: _Connection) -> None:
        """Route and send the connection's framed packets until the window is full."""
        if conn.blocked:
            return
        transport, frames, stats = conn.transport, conn.frames, self.stats
        while frames:
            frame = frames.popleft()
            if frame.__class__ is bytes:
                stats.frames += 1
                r = route(frame, self.sources, scan=self.scan)  # type: ignore[arg-type]
            else:
                r = self._other(frame)  # type: ignore[arg-type]
                if r is None:
                    continue
            for reply in r.reply_now:
                if transport is not None:
                    transport.write(reply)
            if r.subject is None:
                continue
            if r.msg_id is None:
                stats.refused += 1
                ticket: Any = _QUARANTINE
            else:
                ticket = [conn, r.ack, _WAITING]
                conn.queue.append(ticket)
            self.in_flight += 1
            if self.in_flight > stats.max_in_flight:
                stats.max_in_flight = self.in_flight
            try:
                self.log.send(r.subject, r.raw, r.msg_id, self, ticket)
            except Exception as exc:  # not even sent: no acknowledgement, the device sends again
                self.not_stored(ticket, exc)
            if self.in_flight >= self.max_in_flight:  # full window: stop until receipts come back
                if not conn.blocked:
                    conn.blocked = True
                    self._blocked.append(conn)
                    conn.reading()
                return

    def _other(self, event: _framer.Event) -> Route | None:
        if isinstance(event, _framer.Oversize):
            return refuse(b"##" + event.declared + event.prefix, "MONITOR_PACKET_REFUSED",
                          f"HJ212_TOO_LONG {event.data_length}")
        if isinstance(event, _framer.Garbage):
            self.stats.garbage_bytes += len(event.data)
        return None

    # the log's ``Receiver``
    def stored(self, ticket: Any, seq: int, duplicate: bool) -> None:
        self.in_flight -= 1
        if self._blocked and self.in_flight < self.max_in_flight:
            self._unblock()
        if ticket is _QUARANTINE:
            return
        ticket[2] = _STORED
        self.stats.published += 1
        self.stats.duplicates += duplicate
        self._answer_soon(ticket[0])

    def not_stored(self, ticket: Any, error: BaseException) -> None:
        self.in_flight -= 1
        if self._blocked and self.in_flight < self.max_in_flight:
            self._unblock()
        self.stats.not_stored += 1
        log.warning("not stored: %r", error)
        if ticket is not _QUARANTINE:
            ticket[2] = _FAILED
            self._answer_soon(ticket[0])

    def _answer_soon(self, conn: _Connection) -> None:
        self._answer.add(conn)
        if not self._answering:
            self._answering = True
            self.loop.call_soon(self._write_answers)

    def _write_answers(self) -> None:
        """Per connection, the 9014s of the stored packets at the head of its queue, in one write."""
        self._answering = False
        answer, self._answer = self._answer, set()
        for conn in answer:
            queue, replies = conn.queue, []
            while queue and queue[0][2] != _WAITING:
                _, ack, state = queue.popleft()
                if state == _STORED and ack is not None:
                    replies.append(ack)
            if replies and conn.transport is not None and not conn.transport.is_closing():
                conn.transport.write(b"".join(replies))
                self.stats.acks += len(replies)
            self.close_if_answered(conn)

    def close_if_answered(self, conn: _Connection) -> None:
        if conn.ended and not conn.queue and not conn.blocked and conn.transport is not None:
            conn.transport.close()

    def _unblock(self) -> None:
        """Room in the window: the connections it stopped take up their framed packets, first stopped first."""
        while self._blocked and self.in_flight < self.max_in_flight:
            conn = self._blocked.popleft()
            conn.blocked = False
            self.take(conn)
            conn.reading()
            self.close_if_answered(conn)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for timer in self._timers:
            timer.cancel()
        for conn in list(self._connections):
            if conn.transport is not None:
                conn.transport.abort()
        await asyncio.sleep(0)  # let connection_lost run
        log.info("gateway stopped: %s", self.stats.as_dict())
