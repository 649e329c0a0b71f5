"""A three-node JetStream cluster: kill the stream leader during ingest; nothing lost, nothing duplicated."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request

import pytest

from tests.scale.conftest import NatsNode

pytestmark = pytest.mark.slow


def _leader(nodes: list[NatsNode]) -> NatsNode:
    """The node that leads stream HJ212 (from the monitoring endpoint /jsz)."""
    for node in nodes:
        if node.process is None or node.process.poll() is not None:
            continue
        with urllib.request.urlopen(f"http://127.0.0.1:{node.monitor}/jsz?streams=true", timeout=3) as resp:
            info = json.load(resp)
        for account in info.get("account_details", []):
            for stream in account.get("stream_detail", []):
                if stream["name"] == "HJ212" and stream.get("cluster", {}).get("leader") == node.name:
                    return node
    raise AssertionError("no stream leader")


def test_kill_leader_during_ingest(nats_cluster: list[NatsNode]) -> None:
    from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

    url = ",".join(n.url for n in nats_cluster)
    total = 600

    async def main() -> tuple[int, list[int], int]:
        log = await JetStreamLog.connect(url, StreamOptions(replicas=3, publish_deadline=60))
        await asyncio.sleep(0.5)
        killed = None
        stored = 0
        for i in range(total):
            if i == total // 3:
                killed = _leader(nats_cluster)
                killed.kill()
            receipt = await log.publish(f"hj212.r.M{i % 7}", f"packet {i}".encode(), f"M{i % 7}|2061|{i}|1")
            stored += not receipt.duplicate
        assert killed is not None
        consumer = await log.consumer("check", max_ack_pending=10_000)
        seen: list[int] = []
        deadline = time.monotonic() + 30  # a consumer made just after an election may start late
        while len(seen) < total and time.monotonic() < deadline:
            seen += [int(r.data.split()[1]) for r in await consumer.fetch(1000, 2.0)]
        seen += [int(r.data.split()[1]) for r in await consumer.fetch(1000, 1.0)]  # nothing more
        state = await log.stream_state()
        await log.close()
        return stored, seen, state["messages"]

    stored, seen, messages = asyncio.run(main())
    assert stored <= total  # a retry whose first try was stored is reported as a duplicate
    assert sorted(seen) == list(range(total))  # nothing lost, nothing twice
    assert messages == total
