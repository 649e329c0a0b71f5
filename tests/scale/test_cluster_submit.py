"""The gateway's pipelined path (``submit``/``send`` on the lean connection) against a three-node
JetStream cluster: kill the stream leader, or the node the log is connected to, with hundreds of
messages awaiting their PubAck; nothing lost, nothing duplicated (issue 9 §4)."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.scale.conftest import NatsNode
from tests.scale.test_cluster import _leader

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("victim", ["leader", "connected"])
def test_kill_a_node_while_submits_are_in_flight(nats_cluster: list[NatsNode], victim: str) -> None:
    from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

    url = ",".join(n.url for n in nats_cluster)
    total = 4000

    async def main() -> tuple[bool, int, int, list[int], int]:
        log = await JetStreamLog.connect(url, StreamOptions(replicas=3, publish_deadline=60, request_timeout=1.0))
        await asyncio.sleep(0.5)
        on_wire = log._wire is not None
        receipts, in_flight = [], 0
        for i in range(total):
            if i == total // 3:
                port = log.nc.connected_url.port
                node = _leader(nats_cluster) if victim == "leader" else next(
                    n for n in nats_cluster if n.port == port)
                in_flight = len(log._waiting)
                node.kill()
            receipts.append(await log.submit(f"hj212.r.M{i % 7}", f"packet {i}".encode(), f"M{i % 7}|2061|{i}|1"))
            if i % 50 == 49:
                await asyncio.sleep(0)  # let the batch go out and PubAcks come back
        stored = await asyncio.wait_for(asyncio.gather(*receipts), 120)
        firsts = sum(not s.duplicate for s in stored)
        consumer = await log.consumer("check", max_ack_pending=10_000)
        seen: list[int] = []
        deadline = time.monotonic() + 30  # a consumer made just after an election may start late
        while len(seen) < total and time.monotonic() < deadline:
            seen += [int(r.data.split()[1]) for r in await consumer.fetch(1000, 2.0)]
        seen += [int(r.data.split()[1]) for r in await consumer.fetch(1000, 1.0)]  # nothing more
        state = await log.stream_state()
        await log.close()
        return on_wire, in_flight, firsts, seen, state["messages"]

    on_wire, in_flight, firsts, seen, messages = asyncio.run(main())
    assert on_wire and in_flight > 0  # the lean path, cut with messages awaiting their PubAck
    assert firsts <= total  # a retry whose first try was stored is reported as a duplicate
    assert sorted(seen) == list(range(total))  # nothing lost, nothing twice
    assert messages == total
