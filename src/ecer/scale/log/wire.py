"""A lean NATS client connection for the gateway's hot path: publish with a reply inbox, read PubAcks.

nats-py builds a header dict, a command and a ``Msg`` object per message and hands every reply to a
subscription task through a queue; at tens of thousands of packets a second that was about 40 % of
a gateway's CPU. This connection speaks only the part of the NATS client protocol [1]_ the
gateway needs, on an asyncio ``Protocol``:

* out: ``CONNECT``, one ``SUB <inbox>.*``, then ``HPUB subject <inbox>.<token> …`` with the
  ``Nats-Msg-Id`` header (``PUB`` without it), gathered per event-loop tick into one write;
  ``PONG`` to the server's ``PING``;
* in: ``MSG``/``HMSG`` on the inbox, ``PING``, ``PONG``, ``+OK``, ``-ERR``, ``INFO``. The usual
  PubAck, ``MSG <inbox>.<token> 1 <n>`` with ``{"stream":…,"seq":…[,"duplicate":true]}``, is read
  by one regular expression without building anything; anything else (an error reply, a 503 "no
  responders" status, another shape) goes to ``Handler.other`` whole.

It carries no guarantee of its own: ``JetStreamLog`` keeps every message awaiting its PubAck and,
when this connection drops, an error comes back or a PubAck is late, publishes it again with the
same message id through nats-py's retrying ``publish`` (so nothing is lost and the stream stores
it once). Reconnecting, fail-over, TLS and credentials other than a URL's user/password or token
stay with nats-py; without TLS support here, ``tls://`` servers simply keep the nats-py path.

References
----------
.. [1] NATS client protocol (CONNECT, SUB, PUB, HPUB, MSG, HMSG, PING/PONG, -ERR),
   https://docs.nats.io/reference/reference-protocols/nats-protocol
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Final, Protocol
from urllib.parse import ParseResult

#: ``NATS/1.0`` CR LF ``Nats-Msg-Id: `` … CR LF CR LF: 27 bytes around the id.
HEADER_OVERHEAD: Final = len(b"NATS/1.0\r\nNats-Msg-Id: \r\n\r\n")
SID: Final = b"1"  # the one subscription of the connection: the PubAck inbox
#: The usual PubAck on the inbox: token, declared size, payload (seq, duplicate) — checked against
#: the size so that only a whole, well-formed message is taken this way. Blanks as servers write
#: them: nats-server 2.9 sends ``MSG <inbox>.<n> 1  27`` and ``{"stream":"HJ212", "seq":1}``.
_PUBACK: Final = re.compile(
    rb'MSG [^ \r\n]*\.([0-9]+) +[0-9]+ +([0-9]+)\r\n'
    rb'(\{"stream": *"[^"\\\r\n]*", *(?:"domain": *"[^"\\\r\n]*", *)?"seq": *([0-9]+)(, *"duplicate": *true)? *\})\r\n')


class Handler(Protocol):
    """What the reader reports; ``JetStreamLog`` implements it."""

    def acked(self, token: int, seq: int, duplicate: bool) -> None:
        """The usual PubAck: message ``token`` stored at ``seq``."""

    def other(self, token: int, headers: bytes, payload: bytes) -> None:
        """Any other reply on the inbox (an error, no responders): the message is not known stored."""


class Reader:
    """Sans-I/O: bytes from the server in, handler calls out (``PING``/``PONG``/``-ERR`` counted)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self._buf = b""
        self.pings = 0  # server PINGs not yet answered (the connection answers after each feed)
        self.pongs = 0
        self.errors: list[str] = []
        self.info: dict[str, Any] = {}

    def feed(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        pos, size = 0, len(buf)
        match, acked = _PUBACK.match, self.handler.acked
        while pos < size:
            m = match(buf, pos)
            if m is not None:
                token, declared, payload, seq, duplicate = m.groups()
                if len(payload) == int(declared):
                    acked(int(token), int(seq), duplicate is not None)
                    pos = m.end()
                    continue
            after = self._other(buf, pos)
            if after < 0:
                break
            pos = after
        self._buf = buf[pos:]

    def _other(self, buf: bytes, pos: int) -> int:
        """Read one protocol message at ``pos``; the position after it, or -1 until more bytes arrive."""
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return -1
        line = buf[pos:eol]
        op = line[:5].split(b" ", 1)[0].split(b"\t", 1)[0].upper()
        if op in (b"MSG", b"HMSG"):
            args = line.split()
            total = int(args[-1])
            header_size = int(args[-2]) if op == b"HMSG" else 0
            end = eol + 2 + total
            if len(buf) < end + 2:
                return -1
            body = buf[eol + 2:end]
            token = args[1].rpartition(b".")[2]
            if token.isdigit():
                self.handler.other(int(token), body[:header_size], body[header_size:])
            return end + 2
        if op == b"PING":
            self.pings += 1
        elif op == b"PONG":
            self.pongs += 1
        elif op == b"-ERR":
            self.errors.append(line[4:].strip().decode("utf-8", "replace"))
        elif op == b"INFO":
            try:
                self.info = json.loads(line[4:])
            except ValueError:
                self.errors.append("malformed INFO")
        elif op != b"+OK":
            self.errors.append(f"unknown operation {line[:40]!r}")
        return eol + 2


class Wire(asyncio.Protocol):
    """The connection: ``await Wire.open(url, inbox, handler, on_lost)``; then ``publish`` (no waiting)."""

    def __init__(self, inbox: bytes, handler: Handler, on_lost: Any) -> None:
        self.inbox = inbox  # "<inbox>." : replies go to inbox + token
        self.reader = Reader(handler)
        self._on_lost = on_lost
        self._out = bytearray()
        self._flushing = False
        self._transport: asyncio.Transport | None = None
        self._loop = asyncio.get_running_loop()
        self._ready: asyncio.Future[None] = self._loop.create_future()
        self._ready.add_done_callback(lambda f: f.cancelled() or f.exception())  # read: no "never retrieved"
        self.closed = False

    @classmethod
    async def open(cls, url: ParseResult, inbox: str, handler: Handler, on_lost: Any, *,
                   name: str = "ecer-gateway", timeout: float = 3.0) -> Wire:
        """Connect, say CONNECT, subscribe to ``inbox``* and wait for the server's PONG; raises on
        failure (the caller keeps nats-py's path). ``tls`` URLs and servers that require TLS are refused."""
        if url.scheme == "tls":
            raise ConnectionError("TLS stays with nats-py")
        loop = asyncio.get_running_loop()
        wire = cls(inbox.encode(), handler, on_lost)
        await asyncio.wait_for(loop.create_connection(lambda: wire, url.hostname or "127.0.0.1", url.port or 4222),
                               timeout)
        try:
            await asyncio.wait_for(wire._handshake(url, name), timeout)
        except BaseException:
            wire.close()
            raise
        return wire

    async def _handshake(self, url: ParseResult, name: str) -> None:
        while not self.reader.info and not self.closed:  # the server speaks first
            await asyncio.sleep(0.005)
        info = self.reader.info
        if info.get("tls_required"):
            raise ConnectionError("the server requires TLS")
        if not info.get("headers", False):
            raise ConnectionError("the server does not support headers")
        options: dict[str, Any] = {"verbose": False, "pedantic": False, "lang": "python3", "version": "ecer",
                                   "protocol": 1, "headers": True, "no_responders": True, "name": name}
        if url.username and url.password is not None:
            options.update(user=url.username, **{"pass": url.password})
        elif url.username:
            options["auth_token"] = url.username
        assert self._transport is not None
        self._transport.write(b"CONNECT %s\r\nSUB %s* %s\r\nPING\r\n" % (
            json.dumps(options, separators=(",", ":")).encode(), self.inbox, SID))
        await self._ready
        if self.reader.errors:
            raise ConnectionError(self.reader.errors[0])

    def publish(self, subject: bytes, token: int, msg_id: bytes | None, data: bytes) -> None:
        """Queue one message for this tick's write; its PubAck comes back to the handler."""
        if msg_id is None:
            self._out += b"PUB %s %s%d %d\r\n%s\r\n" % (subject, self.inbox, token, len(data), data)
        else:
            header = HEADER_OVERHEAD + len(msg_id)
            self._out += b"HPUB %s %s%d %d %d\r\nNATS/1.0\r\nNats-Msg-Id: %s\r\n\r\n%s\r\n" % (
                subject, self.inbox, token, header, header + len(data), msg_id, data)
        if not self._flushing:
            self._flushing = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flushing = False
        out, self._out = self._out, bytearray()
        if self._transport is not None and out:
            self._transport.write(out)

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport subclass

    def data_received(self, data: bytes) -> None:
        reader = self.reader
        reader.feed(data)
        if reader.pings:
            assert self._transport is not None
            self._transport.write(b"PONG\r\n" * reader.pings)
            reader.pings = 0
        if reader.pongs and not self._ready.done():
            self._ready.set_result(None)
        if reader.errors and not self._ready.done():
            self._ready.set_result(None)  # the handshake reports it

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._transport = None
        if not self._ready.done():
            self._ready.set_exception(ConnectionError(f"closed during the handshake: {exc!r}"))
        self._on_lost(self)

    def close(self) -> None:
        if self._transport is not None:
            self._flush()
            self._transport.close()
