"""The gateway's connection handling over real sockets (nats-server on loopback): a device that
closes its sending side still gets the 9014 of every packet stored, then the gateway closes; an
idle connection is closed; a 1013 is answered at once; junk between packets is skipped."""

from __future__ import annotations

import asyncio

from ecer.protocol.hj212 import builder
from ecer.scale.gateway import Gateway
from tests.scale.helpers import outlets, packets, sources


async def _read_all(reader: asyncio.StreamReader, timeout: float = 10.0) -> bytes:
    """Everything until the gateway closes the connection."""
    got = b""
    while chunk := await asyncio.wait_for(reader.read(65536), timeout):
        got += chunk
    return got


def test_half_closed_device_gets_every_ack_then_the_gateway_closes(nats_url: str) -> None:
    from ecer.scale.log.jetstream import JetStreamLog

    outs = outlets(5)
    data = packets(outs, hours=20)  # 100 packets

    async def main() -> tuple[bytes, dict]:
        log = await JetStreamLog.connect(nats_url)
        gw = Gateway(log, sources(outs), host="127.0.0.1", port=0)
        await gw.start()
        reader, writer = await asyncio.open_connection(*gw.sockets[0])
        writer.write(b"".join(data))
        writer.write_eof()  # nothing more to send; the replies must still come, then the close
        got = await _read_all(reader)
        writer.close()
        await gw.stop()
        await log.close()
        return got, gw.stats.as_dict()

    got, stats = asyncio.run(main())
    assert got.count(b"CN=9014") == len(data)
    assert (stats["acks"], stats["published"], stats["not_stored"]) == (len(data), len(data), 0)


def test_idle_connection_closed_and_1013_answered_at_once(nats_url: str) -> None:
    from ecer.scale.log.jetstream import JetStreamLog

    outs = outlets(2)
    source = outs[0].source
    notify = builder.build(st="32", cn="1013", pw=source.pw, mn=source.mn, qn="20240301080000001", flag=5)

    async def main() -> tuple[bytes, float, dict]:
        log = await JetStreamLog.connect(nats_url)
        gw = Gateway(log, sources(outs), host="127.0.0.1", port=0, idle_timeout=0.4)
        await gw.start()
        reader, writer = await asyncio.open_connection(*gw.sockets[0])
        started = asyncio.get_running_loop().time()
        writer.write(b"junk" + notify + packets(outs, hours=1)[0])
        got = await _read_all(reader)  # then silence: the gateway closes after idle_timeout
        waited = asyncio.get_running_loop().time() - started
        writer.close()
        await gw.stop()
        await log.close()
        return got, waited, gw.stats.as_dict()

    got, waited, stats = asyncio.run(main())
    replies = [r for r in got.split(b"\r\n") if r]
    assert [r.split(b"CN=", 1)[1][:4] for r in replies] == [b"9013", b"1012", b"9014"]
    assert 0.4 <= waited < 3.0
    assert (stats["garbage_bytes"], stats["frames"]) == (4, 2)


def test_window_full_then_device_closes_loses_nothing(nats_url: str) -> None:
    """A tiny window stops reading while the device has already closed its side: every packet is
    still taken up, stored and acknowledged before the close."""
    from ecer.scale.log.jetstream import JetStreamLog

    outs = outlets(4)
    data = packets(outs, hours=50)  # 200 packets

    async def main() -> tuple[bytes, dict, int]:
        log = await JetStreamLog.connect(nats_url)
        gw = Gateway(log, sources(outs), host="127.0.0.1", port=0, max_in_flight=3)
        await gw.start()
        reader, writer = await asyncio.open_connection(*gw.sockets[0])
        writer.write(b"".join(data))
        writer.write_eof()
        got = await _read_all(reader)
        writer.close()
        state = await log.stream_state()
        await gw.stop()
        await log.close()
        return got, gw.stats.as_dict(), state["messages"]

    got, stats, messages = asyncio.run(main())
    assert got.count(b"CN=9014") == len(data) == messages
    assert stats["max_in_flight"] == 3
