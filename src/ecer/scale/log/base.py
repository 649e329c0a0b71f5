"""What the gateway and the lake writers need from a durable log, and nothing more.

Two operations, so that a deployment could put Kafka (idempotent producer + consumer groups) in
JetStream's place:

* ``publish(subject, data, msg_id)`` returns only once the log has *stored* the message (for
  JetStream: the PubAck after the stream's replicas agreed). The message id makes a retry or a
  device's retransmission idempotent within the log's deduplication window. ``submit`` is the
  same store without waiting: it sends the message and hands back a future of its receipt, so a
  gateway keeps many publishes in flight (the future fails when the message was not stored).
  ``send`` is ``submit`` without the future or the coroutine: the log calls a ``Receiver`` back
  with the caller's ticket (the gateway's hot path: no per-packet task, future or wake-up).
* a durable ``Consumer`` that hands out records in log order and is told, with ``ack``, that every
  record up to and including a given one has been made durable elsewhere (the Parquet file is
  complete). Records not acknowledged are handed out again after a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Stored:
    """The log's receipt for one published message."""

    seq: int  # position in the log (JetStream stream sequence), 1-based
    duplicate: bool  # the message id was seen within the deduplication window: not stored again


@dataclass(frozen=True)
class Record:
    """One message as a consumer receives it."""

    subject: str
    data: bytes
    seq: int  # the log position: names the lake files (``lake.layout``)
    handle: object = None  # implementation's acknowledgement handle


class Consumer(Protocol):
    async def fetch(self, max_records: int, timeout: float) -> list[Record]:
        """Up to ``max_records`` records in log order; ``[]`` when none arrived within ``timeout`` [s]."""
        ...

    async def ack(self, upto: Record) -> None:
        """Everything delivered up to and including ``upto`` is durable downstream."""
        ...


class Receiver(Protocol):
    """Told the outcome of each ``Log.send``, exactly once, on the event loop's thread."""

    def stored(self, ticket: Any, seq: int, duplicate: bool) -> None:
        """The log stored the message (or held it already: ``duplicate``) at position ``seq``."""
        ...

    def not_stored(self, ticket: Any, error: BaseException) -> None:
        """The log gave up on the message (retries with the same id included)."""
        ...


class Log(Protocol):
    async def publish(self, subject: str, data: bytes, msg_id: str) -> Stored:
        """Store one message; returns after the log confirmed it (raises otherwise)."""
        ...

    async def publish_unique(self, subject: str, data: bytes) -> Stored:
        """Store a message with no deduplication (refused packets: every one is kept)."""
        ...

    async def submit(self, subject: str, data: bytes, msg_id: str | None) -> asyncio.Future[Stored]:
        """Send one message now; the future resolves once the log stored it, or raises when it was
        not stored (retries with the same id included). ``msg_id=None``: no deduplication."""
        ...

    def send(self, subject: str, data: bytes, msg_id: str | None, receiver: Receiver, ticket: Any) -> None:
        """Send one message now and tell ``receiver`` its outcome with ``ticket``; the caller bounds
        how many await their receipt (the gateway's window)."""
        ...

    async def consumer(self, name: str, subject_filter: str) -> Consumer:
        """A durable consumer: its position survives restarts of the reader and of the log."""
        ...

    async def close(self) -> None: ...


def check_servers(url: str) -> list[str]:
    """``nats://h1:4222,nats://h2:4222`` → list of server URLs; raises ``ValueError`` when malformed."""
    servers = [part.strip() for part in url.split(",") if part.strip()]
    if not servers:
        raise ValueError("empty log URL")
    for server in servers:
        scheme, sep, rest = server.partition("://")
        if scheme not in ("nats", "tls") or not sep or not rest:
            raise ValueError(f"not a nats:// URL: {server}")
    return servers


def as_sequence(records: Sequence[Record]) -> tuple[int, int]:
    """First and last log position of a non-empty batch."""
    return records[0].seq, records[-1].seq
