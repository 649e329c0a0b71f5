"""The HJ 212 gateway of the scale tier: frame, check, publish to the log, then acknowledge.

The transport only feeds bytes to the codec's ``Framer``; ``ecer.scale.routing.route`` decides
what each frame is. Publishing is pipelined: the connection's reader sends each packet to the log
as soon as it is framed (``Log.submit``: no waiting) and queues it with the future of its receipt;
the connection's acknowledger takes the queue in arrival order and writes a packet's 9014 only
after *that packet's* receipt came back (for JetStream: stored on the stream's replicas). So the
acknowledgements of one connection keep the order of its packets (HJ 212-2017 §6.5: the reply
answers the upload by its QN), and reading goes on while earlier packets await their PubAck. A
packet the log did not confirm gets no acknowledgement, so the data logger sends it again
(Appendix C: 超时重发).

``max_in_flight`` bounds the packets of all connections that were sent to the log and await
their receipt: when the window is full, the readers stop reading (TCP pushes back on the devices)
until receipts come back.

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

from ecer.protocol.hj212 import framer as _framer
from ecer.scale.log.base import Log, Stored
from ecer.scale.routing import Route, SourceEntry, refuse, route

log = logging.getLogger("ecer.scale.gateway")

READ_SIZE = 65536


class _Waiting:
    """One connection's packets awaiting their receipt, in arrival order (``None``: end of input)."""

    def __init__(self) -> None:
        self.items: deque[tuple[Route, asyncio.Future[Stored]] | None] = deque()
        self._more = asyncio.Event()

    def put(self, item: tuple[Route, asyncio.Future[Stored]] | None) -> None:
        self.items.append(item)
        self._more.set()

    async def wait(self) -> None:
        self._more.clear()
        if not self.items:
            await self._more.wait()


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
        self._window = asyncio.Semaphore(max_in_flight)
        self.in_flight = 0  # packets sent to the log, receipt not yet back
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
        self._server = await asyncio.start_server(self._handle, self.host, self.port, limit=READ_SIZE,
                                                  reuse_port=self.reuse_port or None)
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
        queue = _Waiting()
        acknowledger = asyncio.create_task(self._acknowledge(queue, writer))
        try:
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(READ_SIZE), self.idle_timeout)
                except TimeoutError:
                    break
                cutter.receive_data(data)
                for event in cutter.events():
                    r = self._route(event)
                    if r is not None:
                        await self._submit(r, queue, writer)
                if not data:
                    break
            queue.put(None)  # the device closed: still acknowledge what gets stored
            await acknowledger
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            acknowledger.cancel()
            self._handlers.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _submit(self, r: Route, queue: _Waiting,
                      writer: asyncio.StreamWriter) -> None:
        """Answer at once what needs no store; send the rest to the log inside the window."""
        for reply in r.reply_now:
            writer.write(reply)
        if r.subject is None:
            return
        await self._window.acquire()  # full window: stop reading until receipts come back
        try:
            receipt = await self.log.submit(r.subject, r.raw, r.msg_id)
        except Exception as exc:  # not even sent: no acknowledgement, the device sends again
            self._window.release()
            self.stats.not_stored += 1
            log.warning("not stored %s: %r", r.subject, exc)
            return
        self.in_flight += 1
        self.stats.max_in_flight = max(self.stats.max_in_flight, self.in_flight)
        receipt.add_done_callback(self._settled)
        if r.msg_id is None:
            self.stats.refused += 1
        else:
            queue.put((r, receipt))

    def _settled(self, receipt: asyncio.Future[Stored]) -> None:
        self.in_flight -= 1
        self._window.release()
        if not receipt.cancelled() and receipt.exception() is not None:
            self.stats.not_stored += 1
            log.warning("not stored: %r", receipt.exception())

    async def _acknowledge(self, queue: _Waiting, writer: asyncio.StreamWriter) -> None:
        """Write each 9014 after its own packet's receipt, in the packets' order; the 9014s whose
        receipts are already back go out in one write (one system call, not one per packet)."""
        items = queue.items
        while True:
            if not items:
                await queue.wait()
                continue
            head = items[0]
            if head is None:
                break
            if not head[1].done():
                with contextlib.suppress(Exception):  # a failure is counted in ``_settled``
                    await head[1]
            replies = []
            while items and (item := items[0]) is not None and item[1].done():
                items.popleft()
                r, receipt = item
                if receipt.cancelled() or receipt.exception() is not None:
                    continue  # not stored: no acknowledgement, the device sends again
                self.stats.published += 1
                self.stats.duplicates += receipt.result().duplicate
                if r.ack is not None:
                    replies.append(r.ack)
            if replies and not writer.is_closing():
                writer.write(b"".join(replies))
                self.stats.acks += len(replies)
                await writer.drain()
        await writer.drain()

    def _route(self, event: _framer.Event) -> Route | None:
        if isinstance(event, _framer.Frame):
            self.stats.frames += 1
            return route(event.raw, self.sources, scan=self.scan)
        if isinstance(event, _framer.Oversize):
            return refuse(b"##" + event.declared + event.prefix, "MONITOR_PACKET_REFUSED",
                          f"HJ212_TOO_LONG {event.data_length}")
        if isinstance(event, _framer.Garbage):
            self.stats.garbage_bytes += len(event.data)
        return None

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
