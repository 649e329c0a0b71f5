"""JetStream log, gateway and lake writer over real sockets on loopback (nats-server on a random port)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ecer.scale.gateway import Gateway
from tests.scale.helpers import outlets, packets, sources


async def _connect(url: str):
    from ecer.scale.log.jetstream import JetStreamLog

    return await JetStreamLog.connect(url)


async def _send(host: str, port: int, data: bytes, expect: int, timeout: float = 10.0) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(data)
    await writer.drain()
    got = b""
    while got.count(b"\r\n") < expect:
        got += await asyncio.wait_for(reader.read(65536), timeout)
    writer.close()
    return got


def test_publish_waits_for_store_and_dedups(nats_url: str) -> None:
    async def main() -> tuple:
        log = await _connect(nats_url)
        first = await log.publish("hj212.r.M1", b"x", "M1|2061|20240101000000|1")
        again = await log.publish("hj212.r.M1", b"x", "M1|2061|20240101000000|1")
        state = await log.stream_state()
        await log.close()
        return first, again, state

    first, again, state = asyncio.run(main())
    assert (first.seq, first.duplicate, again.duplicate, state["messages"]) == (1, False, True, 1)


def test_durable_consumer_resumes_after_ack(nats_url: str) -> None:
    async def main() -> tuple[list[int], list[int]]:
        log = await _connect(nats_url)
        for i in range(10):
            await log.publish(f"hj212.r.M{i}", b"x", f"id{i}")
        consumer = await log.consumer("c1")
        got = await consumer.fetch(4, 2.0)
        await consumer.ack(got[-1])
        await log.close()
        log = await _connect(nats_url)  # a restarted reader
        consumer = await log.consumer("c1", max_ack_pending=100, ack_wait=1.0)
        rest = await consumer.fetch(100, 2.0)
        await log.close()
        return [r.seq for r in got], [r.seq for r in rest]

    first, rest = asyncio.run(main())
    assert (first, rest) == ([1, 2, 3, 4], [5, 6, 7, 8, 9, 10])


def test_gateway_acks_after_store_and_resend_counts_once(nats_url: str, tmp_path: Path) -> None:
    outs = outlets(6)
    data = packets(outs, hours=4)

    async def main() -> tuple:
        log = await _connect(nats_url)
        gw = Gateway(log, sources(outs), host="127.0.0.1", port=0)
        await gw.start()
        host, port = gw.sockets[0]
        acks = await _send(host, port, b"".join(data), len(data))
        again = await _send(host, port, b"".join(data[:5]), 5)  # the device did not see 5 acks: re-sent
        state = await log.stream_state()
        await gw.stop()
        await log.close()
        return acks, again, state, gw.stats

    acks, again, state, stats = asyncio.run(main())
    assert acks.count(b"CN=9014") == len(data) and again.count(b"CN=9014") == 5
    assert (state["messages"], stats.duplicates) == (len(data), 5)


def test_unknown_source_kept_in_quarantine_without_ack(nats_url: str) -> None:
    outs = outlets(3)
    known, stranger = outs[:2], outs[2:]

    async def main() -> tuple:
        log = await _connect(nats_url)
        gw = Gateway(log, sources(known), host="127.0.0.1", port=0)
        await gw.start()
        host, port = gw.sockets[0]
        data = packets(outs, hours=1)
        acks = await _send(host, port, b"".join(data), 2)
        await asyncio.sleep(0.3)
        consumer = await log.consumer("q", "hj212q.>")
        quarantined = await consumer.fetch(10, 1.0)
        await gw.stop()
        await log.close()
        return acks, quarantined

    acks, quarantined = asyncio.run(main())
    assert acks.count(b"CN=9014") == 2
    assert [r.subject for r in quarantined] == ["hj212q.MONITOR_UNKNOWN_MN"]
    assert stranger[0].source.mn.encode() in quarantined[0].data


def test_two_gateways_side_by_side_then_two_writers(nats_url: str, tmp_path: Path) -> None:
    """Devices spread over two gateways; two writers share the outlets; every reading once."""
    import pyarrow.parquet as pq

    from ecer.scale.lake.writer import run_writer

    outs = outlets(12)
    data = packets(outs, hours=6)

    async def main() -> list:
        log = await _connect(nats_url)
        gws = [Gateway(log, sources(outs), host="127.0.0.1", port=0) for _ in range(2)]
        for gw in gws:
            await gw.start()
        halves = [data[0::2], data[1::2]]
        await asyncio.gather(*(_send(*gw.sockets[0], b"".join(h), len(h)) for gw, h in zip(gws, halves, strict=True)))
        for gw in gws:
            await gw.stop()
        stats = await asyncio.gather(*(run_writer(log, str(tmp_path), member=m, members=2, idle_exit=1.0)
                                       for m in range(2)))
        await log.close()
        return stats

    stats = asyncio.run(main())
    rows = [r for f in tmp_path.rglob("*.parquet") for r in pq.read_table(f).to_pylist()]
    keys = [(r["mn"], r["data_time"], r["code"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(data) * 3
    assert all(s.records == len(data) for s in stats)  # each member read everything, kept its share
