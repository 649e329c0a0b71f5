"""``JetStreamLog.submit`` (the gateway's pipelined publish) on a real nats-server: receipts, dedup, refusal."""

from __future__ import annotations

import asyncio

import pytest

from ecer.domain.errors import EcerError


def test_submit_receipts_in_order_and_duplicates_flagged(nats_url: str) -> None:
    from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

    async def main() -> tuple[list, dict]:
        log = await JetStreamLog.connect(nats_url, StreamOptions(max_pending=8))  # forces waits for room
        receipts = [await log.submit(f"hj212.r.M{i % 3}", b"x%d" % i, f"id{i % 40}") for i in range(50)]
        stored = await asyncio.gather(*receipts)
        state = await log.stream_state()
        await log.close()
        return stored, state

    stored, state = asyncio.run(main())
    assert [s.seq for s in stored[:40]] == list(range(1, 41))
    assert [s.duplicate for s in stored] == [False] * 40 + [True] * 10
    assert [s.seq for s in stored[40:]] == list(range(1, 11))  # a re-send is answered with the first copy
    assert state["messages"] == 40


def test_submit_outside_the_stream_fails_after_retrying(nats_url: str) -> None:
    """No stream takes the subject: no responders, retried with the same id until the deadline, then refused."""
    from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

    async def main() -> None:
        log = await JetStreamLog.connect(nats_url, StreamOptions(publish_deadline=0.5, request_timeout=0.3))
        try:
            receipt = await log.submit("nostream.x", b"x", "id1")
            await asyncio.wait_for(receipt, 10)
        finally:
            await log.close()

    with pytest.raises(EcerError) as caught:
        asyncio.run(main())
    assert caught.value.code == "SCALE_LOG_NOT_STORED"


def test_connecting_to_a_log_nobody_answers_fails_at_once() -> None:
    """A gateway must not start without its log (nats-py alone would retry the first connection for ever)."""
    import socket
    import time

    from ecer.scale.log.jetstream import JetStreamLog

    with socket.socket() as probe:  # a port with no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(EcerError) as caught:
        asyncio.run(asyncio.wait_for(JetStreamLog.connect(f"nats://127.0.0.1:{port}"), 30))
    assert caught.value.problems[0].code == "SCALE_LOG_UNREACHABLE"
    assert time.monotonic() - started < 10
