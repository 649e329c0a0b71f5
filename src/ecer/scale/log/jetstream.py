"""The ``Log`` on NATS JetStream: one file-backed stream, durable pull consumers.

* Stream ``HJ212`` holds subjects ``hj212.<region>.<MN>`` (accepted packets, raw bytes as received)
  and ``hj212q.<reason>`` (refused packets, kept for the quarantine), and ``meter.<region>.<credit
  code>`` (energy-meter readings, ``ecer.scale.meters``; id ``credit|meter|period|at``). A stream
  created before a subject was added gets it on the next connect. Its duplicate window drops a
  second message with the same ``Nats-Msg-Id`` (``MN|CN|DataTime|PNO``), so a device that sends a
  packet again, or a gateway that retries after a lost PubAck, stores it once.
* ``publish`` waits for the PubAck; in a cluster that is after the stream's replicas agreed. While
  a new stream leader is being elected the request times out or finds no responder: it is retried
  with the same message id (so a retry never duplicates) until ``publish_deadline``.
* ``send`` (and ``submit``, the same with a future) publishes without waiting, with reply subject
  ``<inbox>.<n>``: on the lean connection of ``ecer.scale.log.wire`` (its own NATS connection to
  the server nats-py uses; HPUBs gathered per event-loop tick, PubAcks read without json or
  objects), or through nats-py while that connection is down. A PubAck that does not come within
  ``request_timeout``, an error reply, or the lean connection dropping hands the message to
  ``publish`` (same message id, so the retry cannot duplicate); the receiver hears "not stored"
  only when that gave up too. At most ``max_pending`` messages await their PubAck before
  ``submit`` waits for room; ``send``'s callers bound their own (the gateway's window).
* Consumers are durable pull consumers with ``AckPolicy.ALL``: acknowledging a record acknowledges
  everything delivered before it, which is exactly "the file holding these records is complete".

References
----------
.. [1] NATS JetStream: streams (``duplicate_window``, ``Nats-Msg-Id``), consumers (``AckAll``,
   ``max_ack_pending``, ``ack_wait``), https://docs.nats.io/nats-concepts/jetstream
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ecer.domain.errors import EcerError
from ecer.scale import require
from ecer.scale.log.base import Receiver, Record, Stored, check_servers
from ecer.scale.log.wire import Wire

log = logging.getLogger("ecer.scale.log")
STREAM = "HJ212"
SUBJECTS = ["hj212.>", "hj212q.>", "meter.>"]  # meter.<region>.<credit code>: energy-meter readings
T = TypeVar("T")
ACCEPTED = "hj212.>"  # what the lake writers read
DEDUP_WINDOW = 120.0  # s: a retransmission later than this is stored again (the lake dedupes by key)


@dataclass
class StreamOptions:
    replicas: int = 1
    dedup_window: float = DEDUP_WINDOW
    max_age: float | None = None  # s; None keeps everything (size it for the replay horizon)
    publish_deadline: float = 30.0  # s of retrying one publish (leader election takes a few seconds)
    request_timeout: float = 2.0  # s for one PubAck
    max_pending: int = 16384  # messages ``submit`` may have awaiting their PubAck (nats-py's bound)
    wire: bool = True  # publish ``send``/``submit`` on the lean connection (``wire.Wire``); False: nats-py


class JetStreamConsumer:
    def __init__(self, sub: Any) -> None:
        self._sub = sub

    async def fetch(self, max_records: int, timeout: float) -> list[Record]:
        errors = require("nats.errors")
        try:
            msgs = await self._sub.fetch(max_records, timeout=timeout)
        except (errors.TimeoutError, TimeoutError):  # nothing within ``timeout``
            return []
        return [Record(m.subject, m.data, m.metadata.sequence.stream, m) for m in msgs]

    async def ack(self, upto: Record) -> None:
        await upto.handle.ack_sync()  # type: ignore[attr-defined]


def _pub_ack(payload: bytes) -> tuple[int, bool] | None:
    """``{"stream":"HJ212","seq":7[,"duplicate":true]}`` → (7, duplicate); None for an error or no ack."""
    try:
        ack = json.loads(payload)
        return int(ack["seq"]), bool(ack.get("duplicate", False))
    except (ValueError, KeyError, TypeError):
        return None


async def _any_answers(servers: list[str], timeout: float = 3.0) -> bool:
    """Whether any of the servers accepts a TCP connection within ``timeout``."""
    for server in servers:
        address = urlsplit(server if "://" in server else f"nats://{server}")
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(address.hostname or "127.0.0.1", address.port or 4222), timeout)
        except (OSError, TimeoutError):
            continue
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        return True
    return False


class _Futures:
    """The ``Receiver`` behind ``submit``: the ticket is the future to resolve."""

    @staticmethod
    def stored(ticket: asyncio.Future[Stored], seq: int, duplicate: bool) -> None:
        if not ticket.done():
            ticket.set_result(Stored(seq, duplicate))

    @staticmethod
    def not_stored(ticket: asyncio.Future[Stored], error: BaseException) -> None:
        if ticket.done():
            return
        if isinstance(error, asyncio.CancelledError):  # the retry was cancelled (the log closing)
            ticket.cancel()
        else:
            ticket.set_exception(error)


_FUTURES = _Futures()
#: token → (receiver, ticket, subject, data, msg_id): what the outcome and a retry need
_Entry = tuple[Receiver, Any, str, bytes, "str | None"]


class JetStreamLog:
    """``await JetStreamLog.connect("nats://127.0.0.1:4222")``; the stream is created when missing."""

    def __init__(self, nc: Any, options: StreamOptions) -> None:
        self.nc = nc
        self.js = nc.jetstream(timeout=options.request_timeout, publish_async_max_pending=options.max_pending)
        self.options = options
        self._retries: set[asyncio.Future[Any]] = set()  # keeps retry tasks referenced until done
        self._inbox: str | None = None  # "<inbox>." of the PubAcks that come through nats-py
        self._tokens = itertools.count()
        self._waiting: dict[int, _Entry] = {}
        self._room = asyncio.Event()  # set when fewer than ``max_pending`` await their PubAck
        self._room_wanted = 0  # ``submit`` calls waiting for room
        # (PubAck deadline, token) in sending order: one timer sweeps them, not one timer per message
        self._deadlines: deque[tuple[float, int]] = deque()
        self._sweeper: asyncio.TimerHandle | None = None
        self._subjects: dict[str, bytes] = {}  # subject → its bytes (a few per outlet)
        self._wire: Wire | None = None  # the lean connection for ``send``; None: nats-py's path
        self._wire_gone = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        self._closing = False

    @classmethod
    async def connect(cls, url: str, options: StreamOptions | None = None, *, create: bool = True) -> JetStreamLog:
        nats = require("nats")
        try:
            servers = check_servers(url)
        except ValueError as exc:
            raise EcerError("SCALE_LOG_URL_INVALID", str(exc)) from exc
        # nats-py retries a first connection for ever when reconnects are unlimited (as they must be
        # once running): a server must answer now, or the gateway would start without a log.
        if not await _any_answers(servers):
            raise EcerError("SCALE_LOG_UNREACHABLE", f"{url}: no server accepts a connection")
        try:
            nc = await nats.connect(servers=servers, connect_timeout=3, max_reconnect_attempts=-1,
                                    reconnect_time_wait=0.2, allow_reconnect=True)
        except Exception as exc:  # no server answered
            raise EcerError("SCALE_LOG_UNREACHABLE", f"{url}: {exc.__class__.__name__} {exc}") from exc
        log = cls(nc, options or StreamOptions())
        if create:
            await log.ensure_stream()
        if log.options.wire:
            await log._open_wire()
            log._keeper = asyncio.ensure_future(log._keep_wire())
        return log

    async def ensure_stream(self) -> None:
        api = require("nats.js.api")
        errors = require("nats.js.errors")
        config = api.StreamConfig(
            name=STREAM, subjects=SUBJECTS, storage=api.StorageType.FILE,
            num_replicas=self.options.replicas, duplicate_window=self.options.dedup_window,
            max_age=self.options.max_age)

        async def find_or_create() -> None:
            try:
                info = await self.js.stream_info(STREAM)
            except errors.NotFoundError:
                await self.js.add_stream(config)
                return
            have = list(info.config.subjects or [])
            if missing := [s for s in SUBJECTS if s not in have]:  # created by an older version
                info.config.subjects = have + missing
                await self.js.update_stream(info.config)

        await self._during_elections(find_or_create)

    async def _during_elections(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a JetStream API request again until ``publish_deadline``: a fresh cluster has no meta
        leader for a moment, and after a node dies the stream and its consumers elect new leaders."""
        deadline = time.monotonic() + self.options.publish_deadline
        while True:
            try:
                return await call()
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    async def publish(self, subject: str, data: bytes, msg_id: str) -> Stored:
        errors = require("nats.errors")
        js_errors = require("nats.js.errors")
        deadline = time.monotonic() + self.options.publish_deadline
        headers = {"Nats-Msg-Id": msg_id}
        while True:
            try:
                ack = await self.js.publish(subject, data, headers=dict(headers),
                                            timeout=self.options.request_timeout)
                return Stored(ack.seq, bool(ack.duplicate))
            except (errors.TimeoutError, errors.NoRespondersError, js_errors.NoStreamResponseError,
                    js_errors.ServiceUnavailableError, errors.ConnectionReconnectingError,
                    errors.ConnectionClosedError, js_errors.APIError) as exc:
                if time.monotonic() > deadline or isinstance(exc, js_errors.BadRequestError):
                    raise EcerError("SCALE_LOG_NOT_STORED", f"{subject} {msg_id}: {exc!r}") from exc
                await asyncio.sleep(0.1)

    async def submit(self, subject: str, data: bytes, msg_id: str | None) -> asyncio.Future[Stored]:
        receipt: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        while len(self._waiting) >= self.options.max_pending:
            self._room.clear()
            self._room_wanted += 1
            try:
                await self._room.wait()
            finally:
                self._room_wanted -= 1
        self.send(subject, data, msg_id, _FUTURES, receipt)
        return receipt

    def send(self, subject: str, data: bytes, msg_id: str | None, receiver: Receiver, ticket: Any) -> None:
        """Publish with the reply subject ``<inbox>.<token>``; the PubAck (or a retry) tells ``receiver``."""
        token = next(self._tokens)
        self._waiting[token] = (receiver, ticket, subject, data, msg_id)
        loop = asyncio.get_running_loop()
        self._deadlines.append((loop.time() + self.options.request_timeout, token))
        if self._sweeper is None:
            self._sweeper = loop.call_later(self.options.request_timeout, self._sweep)
        wire = self._wire
        if wire is not None and (msg_id is None or msg_id.isprintable()):  # no CR LF inside the header
            name = self._subjects.get(subject)
            if name is None:
                name = self._subjects[subject] = subject.encode()
            wire.publish(name, token, None if msg_id is None else msg_id.encode(), data)
        else:
            self._keep(asyncio.ensure_future(self._send_by_client(token, subject, data, msg_id)))

    async def _send_by_client(self, token: int, subject: str, data: bytes, msg_id: str | None) -> None:
        """``send`` through nats-py (no lean connection now): a plain publish to the same inbox scheme."""
        try:
            inbox = self._inbox or await self._pubacks()
            await self.nc.publish(subject, data, reply=f"{inbox}{token}",
                                  headers=None if msg_id is None else {"Nats-Msg-Id": msg_id})
        except Exception:  # not connected right now: the retrying path decides
            self._no_puback(token)

    def _keep(self, task: asyncio.Future[Any]) -> None:
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    def _sweep(self) -> None:
        """Retry what got no PubAck by its deadline (at most a tenth of ``request_timeout`` late)."""
        loop = asyncio.get_running_loop()
        now, deadlines = loop.time(), self._deadlines
        while deadlines and deadlines[0][0] <= now:
            token = deadlines.popleft()[1]
            if token in self._waiting:
                self._no_puback(token)
        self._sweeper = None
        if deadlines:
            self._sweeper = loop.call_at(max(deadlines[0][0], now + self.options.request_timeout / 10), self._sweep)

    async def _pubacks(self) -> str:
        """Subscribe once, through nats-py, to the PubAcks of ``_send_by_client`` (``<inbox>.*``)."""
        if self._inbox is None:
            inbox = self.nc.new_inbox() + "."
            await self.nc.subscribe(inbox + "*", cb=self._on_puback)
            self._inbox = inbox
        return self._inbox

    def _done(self, token: int) -> _Entry | None:
        entry = self._waiting.pop(token, None)
        if self._room_wanted and len(self._waiting) < self.options.max_pending:
            self._room.set()
        return entry

    # the lean connection's ``wire.Handler``
    def acked(self, token: int, seq: int, duplicate: bool) -> None:
        """The usual PubAck (read without json or objects)."""
        entry = self._waiting.pop(token, None)
        if self._room_wanted and len(self._waiting) < self.options.max_pending:
            self._room.set()
        if entry is not None:  # None: already retried after its timeout
            entry[0].stored(entry[1], seq, duplicate)

    def other(self, token: int, headers: bytes, payload: bytes) -> None:
        """Any other reply: a PubAck of another shape is taken, anything else retried."""
        entry = self._done(token)
        if entry is None:
            return
        status = headers.split(b"\r\n", 1)[0][8:].strip()  # "NATS/1.0 503": a status (no responders), no ack
        stored = None if status else _pub_ack(payload)
        if stored is None:
            self._retry(entry)
        else:
            entry[0].stored(entry[1], *stored)

    async def _on_puback(self, msg: Any) -> None:
        assert self._inbox is not None
        token = msg.subject[len(self._inbox):]
        entry = self._done(int(token)) if token.isdigit() else None
        if entry is None:  # already retried after its timeout
            return
        stored = _pub_ack(msg.data)
        if stored is None:
            self._retry(entry)
        else:
            entry[0].stored(entry[1], *stored)

    def _no_puback(self, token: int) -> None:
        """No PubAck within ``request_timeout``: the waiting ``publish`` tries again with the same id."""
        entry = self._done(token)
        if entry is not None:
            self._retry(entry)

    def _retry(self, entry: _Entry) -> None:
        """Finish ``entry`` from the waiting, retrying ``publish`` (a task only on this rare path)."""
        receiver, ticket, subject, data, msg_id = entry
        again = self.publish(subject, data, msg_id) if msg_id is not None else self.publish_unique(subject, data)
        task = asyncio.ensure_future(again)
        self._keep(task)

        def tell(done: asyncio.Future[Stored]) -> None:
            if done.cancelled():
                receiver.not_stored(ticket, asyncio.CancelledError())
            elif (exc := done.exception()) is not None:
                receiver.not_stored(ticket, exc)
            else:
                receiver.stored(ticket, done.result().seq, done.result().duplicate)

        task.add_done_callback(tell)

    async def _open_wire(self) -> None:
        """The lean connection to the server nats-py is connected to; none (nats-py's path) when it fails."""
        url = self.nc.connected_url
        if url is None or self._closing:
            return
        try:
            self._wire = await Wire.open(url, self.nc.new_inbox() + ".", self, self._wire_lost,
                                         timeout=self.options.request_timeout)
        except (OSError, ConnectionError, TimeoutError) as exc:
            log.info("lean publisher not connected (%r): nats-py publishes", exc)

    def _wire_lost(self, wire: Wire) -> None:
        """The lean connection dropped: what awaits a PubAck goes to the retrying ``publish``."""
        if wire is not self._wire:
            return
        self._wire = None
        self._wire_gone.set()
        if self._closing:
            return
        for token in list(self._waiting):
            self._no_puback(token)

    async def _keep_wire(self) -> None:
        """Open the lean connection again once nats-py is connected (after a reconnect or fail-over)."""
        while not self._closing:
            self._wire_gone.clear()
            if self._wire is None:
                if self.nc.is_connected:
                    await self._open_wire()
                if self._wire is None:
                    await asyncio.sleep(0.2)
                continue
            await self._wire_gone.wait()

    async def publish_unique(self, subject: str, data: bytes) -> Stored:
        """Store a message without deduplication (refused packets: every one is kept)."""
        ack = await self.js.publish(subject, data, timeout=self.options.request_timeout)
        return Stored(ack.seq, False)

    async def consumer(self, name: str, subject_filter: str = ACCEPTED, *, max_ack_pending: int = 200_000,
                       ack_wait: float = 120.0) -> JetStreamConsumer:
        api = require("nats.js.api")
        config = api.ConsumerConfig(ack_policy=api.AckPolicy.ALL, deliver_policy=api.DeliverPolicy.ALL,
                                    max_ack_pending=max_ack_pending, ack_wait=ack_wait,
                                    filter_subject=subject_filter)
        sub = await self._during_elections(lambda: self.js.pull_subscribe(
            subject_filter, durable=name, stream=STREAM, config=config, pending_msgs_limit=max_ack_pending * 2))
        return JetStreamConsumer(sub)

    async def stream_state(self) -> dict[str, int]:
        info = await self._during_elections(lambda: self.js.stream_info(STREAM))
        return {"messages": info.state.messages, "first_seq": info.state.first_seq,
                "last_seq": info.state.last_seq}

    async def close(self) -> None:
        """Wait a moment for PubAcks still on their way, then close both connections."""
        deadline = time.monotonic() + 2.0
        while self._waiting and self._wire is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self._closing = True
        if self._keeper is not None:
            self._keeper.cancel()
        if self._wire is not None:
            self._wire.close()
        with contextlib.suppress(Exception):
            await self.nc.flush(timeout=2)
        with contextlib.suppress(Exception):
            await self.nc.close()
