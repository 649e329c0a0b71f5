"""The gateway's pipelined publish path: each 9014 after its own packet's receipt, in the packets'
order (HJ 212-2017 §6.5, Appendix C: a packet not confirmed is not acknowledged, the data logger
sends it again), and a bounded window of packets awaiting their receipt."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ecer.scale.gateway import Gateway
from ecer.scale.log.base import Receiver, Stored
from ecer.scale.routing import route
from tests.scale.conftest import _nodes, need_binary, need_module
from tests.scale.helpers import outlets, packets, sources


class HeldLog:
    """A log whose receipts the test hands out (or refuses) one by one."""

    def __init__(self) -> None:
        self.sent: list[tuple[str | None, asyncio.Future[Stored]]] = []
        self.arrived = asyncio.Event()

    def send(self, subject: str, data: bytes, msg_id: str | None, receiver: Receiver, ticket: object) -> None:
        """The gateway's call: the receiver hears the outcome when the test resolves the receipt."""
        receipt: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()

        def tell(done: asyncio.Future[Stored]) -> None:
            if done.exception() is not None:
                receiver.not_stored(ticket, done.exception())  # type: ignore[arg-type]
            else:
                receiver.stored(ticket, done.result().seq, done.result().duplicate)

        receipt.add_done_callback(tell)
        self.sent.append((msg_id, receipt))
        self.arrived.set()

    async def wait_sent(self, count: int) -> None:
        while len(self.sent) < count:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 5)


async def _read_for(reader: asyncio.StreamReader, seconds: float) -> bytes:
    got = b""
    try:
        while True:
            got += await asyncio.wait_for(reader.read(65536), seconds)
    except TimeoutError:
        return got


def _qn(reply: bytes) -> bytes:
    return reply.split(b"QN=", 1)[1][:20]


def test_ack_only_after_own_receipt_in_order_and_never_for_a_failed_publish() -> None:
    """Receipts come back in reverse order and packet 2's publish fails: no 9014 is written before
    packet 1's receipt; then 1, 3, 4, 5 are acknowledged in that order and 2 never."""
    outs = outlets(5)
    data = packets(outs, hours=1)
    qns = [_qn(route(raw, sources(outs)).ack or b"") for raw in data]

    async def main() -> tuple[bytes, bytes, dict]:
        held = HeldLog()
        gw = Gateway(held, sources(outs), host="127.0.0.1", port=0)  # type: ignore[arg-type]
        await gw.start()
        reader, writer = await asyncio.open_connection(*gw.sockets[0])
        writer.write(b"".join(data))
        await writer.drain()
        await held.wait_sent(5)
        for i in (4, 3, 2):  # packets 5, 4, 3 stored before packet 1
            held.sent[i][1].set_result(Stored(10 + i, False))
        held.sent[1][1].set_exception(RuntimeError("log down"))
        early = await _read_for(reader, 0.3)
        held.sent[0][1].set_result(Stored(10, False))
        later = await _read_for(reader, 0.3)
        writer.close()
        await gw.stop()
        return early, later, gw.stats.as_dict()

    early, later, stats = asyncio.run(main())
    assert early == b""  # packet 1 not yet stored: nothing may overtake its 9014
    replies = [r for r in later.split(b"\r\n") if r]
    assert [_qn(r) for r in replies] == [qns[0], qns[2], qns[3], qns[4]]
    assert all(b"CN=9014" in r for r in replies)
    assert (stats["acks"], stats["published"], stats["not_stored"]) == (4, 4, 1)


def test_window_bounds_packets_awaiting_receipt() -> None:
    """With ``max_in_flight=8`` the gateway sends 8 packets and reads no further until a receipt
    returns; every packet is acknowledged once receipts flow."""
    outs = outlets(6)
    data = packets(outs, hours=5)  # 30 packets

    async def main() -> tuple[int, int, bytes, dict]:
        held = HeldLog()
        gw = Gateway(held, sources(outs), host="127.0.0.1", port=0, max_in_flight=8)  # type: ignore[arg-type]
        await gw.start()
        reader, writer = await asyncio.open_connection(*gw.sockets[0])
        writer.write(b"".join(data))
        await writer.drain()
        await held.wait_sent(8)
        await asyncio.sleep(0.2)
        stalled = len(held.sent)
        held.sent[0][1].set_result(Stored(1, False))
        await held.wait_sent(9)
        await asyncio.sleep(0.1)
        after_one = len(held.sent)
        served = 1
        while served < len(data):
            await held.wait_sent(served + 1)
            for _, receipt in held.sent[served:]:
                receipt.set_result(Stored(served + 1, False))
                served += 1
        got = b""
        while got.count(b"\r\n") < len(data):
            got += await asyncio.wait_for(reader.read(65536), 5)
        writer.close()
        await gw.stop()
        return stalled, after_one, got, gw.stats.as_dict()

    stalled, after_one, got, stats = asyncio.run(main())
    assert (stalled, after_one) == (8, 9)
    assert got.count(b"CN=9014") == len(data)
    assert stats["max_in_flight"] == 8


def test_log_down_no_acknowledgement(tmp_path: Path) -> None:
    """nats-server stops under a running gateway: the packets sent afterwards are reported not
    stored and get no 9014 (the data logger will send them again)."""
    need_module("nats")
    binary = need_binary("nats-server", "nats-server")
    from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

    (node,) = _nodes(tmp_path, 1)
    node.start(binary, tmp_path / "nats.log")
    outs = outlets(4)
    data = packets(outs, hours=2)

    async def main() -> tuple[bytes, bytes, dict]:
        log = await JetStreamLog.connect(node.url, StreamOptions(publish_deadline=1.0, request_timeout=0.3))
        gw = Gateway(log, sources(outs), host="127.0.0.1", port=0)
        await gw.start()
        reader, writer = await asyncio.open_connection(*gw.sockets[0])
        writer.write(b"".join(data[:4]))
        await writer.drain()
        before = b""
        while before.count(b"\r\n") < 4:
            before += await asyncio.wait_for(reader.read(65536), 5)
        node.kill()
        writer.write(b"".join(data[4:]))
        await writer.drain()
        after = await _read_for(reader, 3.0)
        writer.close()
        await gw.stop()
        await log.close()
        return before, after, gw.stats.as_dict()

    try:
        before, after, stats = asyncio.run(main())
    finally:
        node.kill()
    assert before.count(b"CN=9014") == 4
    assert after == b""
    assert (stats["acks"], stats["not_stored"]) == (4, len(data) - 4)
