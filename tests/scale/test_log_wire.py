"""The lean NATS connection of the gateway's hot path (``ecer.scale.log.wire``): its reader on
recorded server bytes (whole, one byte at a time, with trailing bytes, as h11 tests its readers),
and on a real nats-server: PubAcks, dedup, and nothing lost when the connection drops mid-flight."""

from __future__ import annotations

import asyncio

from ecer.scale.log.wire import Reader

#: What a nats-server sends a gateway's lean connection: INFO, PubAcks (one a duplicate, one with a
#: domain), a server PING, a 503 "no responders" status, an error reply, +OK, a PONG.


def _msg(token: int, payload: bytes) -> bytes:
    return b"MSG _INBOX.abc.%d 1 %d\r\n%s\r\n" % (token, len(payload), payload)


ERROR = b'{"error":{"code":400,"description":"bad","err_code":10003}}'
SERVER = (
    b'INFO {"server_id":"X","headers":true,"max_payload":1048576}\r\n'
    + _msg(7, b'{"stream":"HJ212","seq":1}')
    + _msg(8, b'{"stream":"HJ212","seq":1,"duplicate":true}')
    + b"PING\r\n"
    + _msg(9, b'{"stream":"HJ212","domain":"hub","seq":12}')
    + b"HMSG _INBOX.abc.10 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
    + _msg(11, ERROR)
    + b"+OK\r\nPONG\r\n"
    # as nats-server 2.9.10 writes them (recorded): two blanks before the size, blanks in the JSON
    + b'MSG _INBOX.QiLl1HhjSAdFfmYXEjXSLU.0 1  27\r\n{"stream":"HJ212", "seq":1}\r\n'
    + b'MSG _INBOX.QiLl1HhjSAdFfmYXEjXSLU.1 1  45\r\n{"stream":"HJ212", "seq":1,"duplicate": true}\r\n'
)
EXPECTED = [
    ("acked", 7, 1, False), ("acked", 8, 1, True), ("acked", 9, 12, False),
    ("other", 10, b"NATS/1.0 503\r\n\r\n", b""),
    ("other", 11, b"", ERROR),
    ("acked", 0, 1, False), ("acked", 1, 1, True),
]


class Calls:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def acked(self, token: int, seq: int, duplicate: bool) -> None:
        self.calls.append(("acked", token, seq, duplicate))

    def other(self, token: int, headers: bytes, payload: bytes) -> None:
        self.calls.append(("other", token, bytes(headers), bytes(payload)))


def _read(chunks: list[bytes]) -> tuple[list[tuple], Reader]:
    calls = Calls()
    reader = Reader(calls)
    for chunk in chunks:
        reader.feed(chunk)
    return calls.calls, reader


def test_reader_whole_bytewise_and_with_trailing_bytes() -> None:
    """Every PubAck of the usual shape is read by the fast path (``acked``), the rest by ``other``."""
    whole, reader = _read([SERVER])
    assert whole == EXPECTED
    assert (reader.pings, reader.pongs, reader.errors, reader.info["max_payload"]) == (1, 1, [], 1048576)
    bytewise, _ = _read([SERVER[i:i + 1] for i in range(len(SERVER))])
    assert bytewise == EXPECTED
    tail = b'MSG _INBOX.abc.12 1 26\r\n{"stream":"HJ212","seq'
    trailing, reader = _read([SERVER + tail])
    assert trailing == EXPECTED  # the half PubAck waits for its rest
    reader.feed(b'":2}\r\n')
    assert reader.handler.calls[-1] == ("acked", 12, 2, False)  # type: ignore[attr-defined]


def test_reader_takes_no_pubAck_whose_size_disagrees() -> None:
    """A payload longer than the regular expression's match is read by its declared size (the
    general path), so the trailing bytes are never taken for the next message."""
    odd = b'MSG _INBOX.a.3 1 30\r\n{"stream":"HJ212","seq":5}    \r\nPING\r\n'
    calls, reader = _read([odd])
    assert calls == [("other", 3, b"", b'{"stream":"HJ212","seq":5}    ')]
    assert reader.pings == 1


def test_reader_reports_errors() -> None:
    calls, reader = _read([b"-ERR 'Authorization Violation'\r\n"])
    assert calls == [] and reader.errors == ["'Authorization Violation'"]


def test_send_on_the_lean_connection_dedups(nats_url: str) -> None:
    """``send`` goes over the lean connection (not nats-py) and reports stored / duplicate."""
    from ecer.scale.log.jetstream import JetStreamLog

    async def main() -> tuple[bool, list, dict, int]:
        log = await JetStreamLog.connect(nats_url)
        on_wire = log._wire is not None
        heard: list = []
        slow = 0
        general = log.other

        def other(*args: object) -> None:
            nonlocal slow
            slow += 1
            general(*args)  # type: ignore[arg-type]

        log.other = other  # type: ignore[method-assign]
        done = asyncio.Event()

        class Receiver:
            def stored(self, ticket: int, seq: int, duplicate: bool) -> None:
                heard.append((ticket, seq, duplicate))
                if len(heard) == 30:
                    done.set()

            def not_stored(self, ticket: int, error: BaseException) -> None:
                heard.append((ticket, error))

        for i in range(30):
            log.send(f"hj212.r.M{i % 3}", b"x%d" % i, f"M|2061|{i % 20}|1", Receiver(), i)
        await asyncio.wait_for(done.wait(), 10)
        state = await log.stream_state()
        await log.close()
        return on_wire, heard, state, slow

    on_wire, heard, state, slow = asyncio.run(main())
    assert on_wire and slow == 0  # this server's PubAcks all read by the fast path
    assert sorted(heard) == [(i, i + 1, False) for i in range(20)] + [(i, i - 19, True) for i in range(20, 30)]
    assert state["messages"] == 20


def test_lean_connection_dropped_mid_flight_loses_nothing(nats_url: str) -> None:
    """The lean connection is cut while thousands of messages await their PubAck: every one is
    retried through nats-py with its id (stored once), and the connection comes back."""
    from ecer.scale.log.jetstream import JetStreamLog

    total = 3000

    async def main() -> tuple[list, dict, bool, int]:
        log = await JetStreamLog.connect(nats_url)
        receipts, waiting = [], 0
        for i in range(total):
            receipts.append(await log.submit(f"hj212.r.M{i % 7}", b"p%d" % i, f"M{i % 7}|2061|{i}|1"))
            if i % 100 == 99:
                await asyncio.sleep(0)  # a tick: the batch goes out, PubAcks start coming back
            if i == total // 2:
                waiting = len(log._waiting)
                assert log._wire is not None
                log._wire._transport.abort()  # type: ignore[union-attr]  # the socket is gone, PubAcks with it
        stored = await asyncio.wait_for(asyncio.gather(*receipts), 60)
        for _ in range(50):  # the keeper opens it again
            if log._wire is not None:
                break
            await asyncio.sleep(0.1)
        back = log._wire is not None
        state = await log.stream_state()
        await log.close()
        return stored, state, back, waiting

    stored, state, back, waiting = asyncio.run(main())
    assert waiting > 100  # cut with many awaiting their PubAck
    assert state["messages"] == total  # nothing lost, nothing twice
    assert sorted(s.seq for s in stored) == list(range(1, total + 1))
    assert back
