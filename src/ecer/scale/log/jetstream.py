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
* ``submit`` sends without waiting and returns a future of the receipt: a plain publish whose reply
  subject is ``<inbox>.<n>`` on one subscription of the log's own (no task, no per-message
  identifier from the random source; about half the CPU of nats-py's ``publish_async``, which
  was the largest share of the gateway's per-packet cost). A PubAck that does not come within
  ``request_timeout``, or an error reply, hands the message to ``publish`` (same message id, so the
  retry cannot duplicate); the future fails only when that gave up too. At most ``max_pending``
  messages await their PubAck; ``submit`` waits for room beyond that.
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
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ecer.domain.errors import EcerError
from ecer.scale import require
from ecer.scale.log.base import Record, Stored, check_servers

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


class JetStreamLog:
    """``await JetStreamLog.connect("nats://127.0.0.1:4222")``; the stream is created when missing."""

    def __init__(self, nc: Any, options: StreamOptions) -> None:
        self.nc = nc
        self.js = nc.jetstream(timeout=options.request_timeout, publish_async_max_pending=options.max_pending)
        self.options = options
        self._retries: set[asyncio.Task[Stored]] = set()  # keeps retry tasks referenced until done
        self._inbox: str | None = None  # "<inbox>." of the PubAcks of ``submit``
        self._tokens = itertools.count()
        # token → (receipt, subject, data, msg_id): what a retry needs
        self._waiting: dict[str, tuple[asyncio.Future[Stored], str, bytes, str | None]] = {}
        self._room = asyncio.Event()  # set when fewer than ``max_pending`` await their PubAck
        # (PubAck deadline, token) in sending order: one timer sweeps them, not one timer per message
        self._deadlines: deque[tuple[float, str]] = deque()
        self._sweeper: asyncio.TimerHandle | None = None

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
        loop = asyncio.get_running_loop()
        receipt: asyncio.Future[Stored] = loop.create_future()
        while len(self._waiting) >= self.options.max_pending:
            self._room.clear()
            await self._room.wait()
        token = None
        try:
            inbox = self._inbox or await self._pubacks()
            token = str(next(self._tokens))
            self._waiting[token] = (receipt, subject, data, msg_id)
            self._deadlines.append((loop.time() + self.options.request_timeout, token))
            if self._sweeper is None:
                self._sweeper = loop.call_later(self.options.request_timeout, self._sweep)
            await self.nc.publish(subject, data, reply=inbox + token,
                                  headers=None if msg_id is None else {"Nats-Msg-Id": msg_id})
        except Exception:  # not connected right now: the retrying path decides
            self._waiting_done(token)
            if not receipt.done():
                self._retry(receipt, subject, data, msg_id)
        return receipt

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
        """Subscribe once to the PubAcks of ``submit`` (``<inbox>.*``)."""
        if self._inbox is None:
            inbox = self.nc.new_inbox() + "."
            await self.nc.subscribe(inbox + "*", cb=self._on_puback)
            self._inbox = inbox
        return self._inbox

    def _waiting_done(self, token: str | None) -> tuple[Any, ...] | None:
        entry = self._waiting.pop(token, None) if token is not None else None
        if len(self._waiting) < self.options.max_pending:
            self._room.set()
        return entry

    async def _on_puback(self, msg: Any) -> None:
        assert self._inbox is not None
        entry = self._waiting_done(msg.subject[len(self._inbox):])
        if entry is None:  # already retried after its timeout
            return
        receipt, subject, data, msg_id = entry
        if receipt.done():
            return
        try:  # {"stream":"HJ212","seq":7[,"duplicate":true]}; an error, or no responders (503, no data)
            ack = json.loads(msg.data)
            stored = Stored(int(ack["seq"]), bool(ack.get("duplicate", False)))
        except (ValueError, KeyError, TypeError):
            self._retry(receipt, subject, data, msg_id)
            return
        receipt.set_result(stored)

    def _no_puback(self, token: str) -> None:
        """No PubAck within ``request_timeout``: the waiting ``publish`` tries again with the same id."""
        entry = self._waiting_done(token)
        if entry is not None and not entry[0].done():
            self._retry(*entry)

    def _retry(self, receipt: asyncio.Future[Stored], subject: str, data: bytes, msg_id: str | None) -> None:
        """Finish ``receipt`` from the waiting, retrying ``publish`` (a task only on this rare path)."""
        again = self.publish(subject, data, msg_id) if msg_id is not None else self.publish_unique(subject, data)
        task = asyncio.ensure_future(again)
        self._retries.add(task)

        def copy(done: asyncio.Task[Stored]) -> None:
            self._retries.discard(done)
            if receipt.done():
                return
            if done.cancelled():
                receipt.cancel()
            elif (exc := done.exception()) is not None:
                receipt.set_exception(exc)
            else:
                receipt.set_result(done.result())

        task.add_done_callback(copy)

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
        with contextlib.suppress(Exception):
            await self.nc.flush(timeout=2)
        with contextlib.suppress(Exception):
            await self.nc.close()
