"""``ecer lake gateway --processes 2``: two processes on one port (SO_REUSEPORT) both serve, none loses a packet."""

from __future__ import annotations

import ast
import asyncio
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.scale.conftest import free_port
from tests.scale.helpers import outlets, packets

CONNECTIONS = 16  # kernel hashes each connection to one listener: all on one of two is a 2⁻¹⁵ chance


async def _device(port: int, data: list[bytes]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"".join(data))
    await writer.drain()
    got = b""
    while got.count(b"\r\n") < len(data):
        chunk = await asyncio.wait_for(reader.read(65536), 20)
        if not chunk:
            break
        got += chunk
    writer.close()
    return got.count(b"CN=9014")


async def _devices(port: int, per: list[list[bytes]]) -> list[int]:
    return list(await asyncio.gather(*(_device(port, p) for p in per)))


def _stream_messages(url: str) -> int:
    from ecer.scale.log.jetstream import JetStreamLog

    async def main() -> int:
        log = await JetStreamLog.connect(url)
        state = await log.stream_state()
        await log.close()
        return state["messages"]

    return asyncio.run(main())


def _wait_for(proc: subprocess.Popen, text: str, timeout: float) -> str:
    """Read the process's stderr until ``text`` appears (the gateways say when all listen)."""
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        if time.monotonic() > deadline or proc.poll() is not None:
            raise AssertionError(f"no {text!r} from the gateway: {seen.decode(errors='replace')}")
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            seen += os.read(proc.stderr.fileno(), 65536)
    return seen.decode()


def test_two_processes_share_the_port_and_lose_nothing(nats_url: str, tmp_path: Path) -> None:
    outs = outlets(CONNECTIONS)
    table = tmp_path / "sources.csv"
    table.write_text("mn,pw,region\n" + "".join(f"{o.source.mn},{o.source.pw},{o.source.region}\n" for o in outs),
                     encoding="utf-8")
    data = packets(outs, hours=5)
    per = [[p for p in data if o.source.mn.encode() in p] for o in outs]  # one device per connection
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from ecer.cli.main import main; main()", "lake", "gateway", "--log", nats_url,
         "--sources", str(table), "--host", "127.0.0.1", "--port", str(port), "--processes", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "400"})
    try:
        _wait_for(proc, "网关已启动", 90)
        acks = asyncio.run(_devices(port, per))
        stored = _stream_messages(nats_url)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert (sum(acks), stored) == (len(data), len(data))
    stats = ast.literal_eval(err.decode().split("已停止：", 1)[1].strip())
    assert stats["processes"] == 2 and stats["acks"] == len(data)
    assert all(n > 0 for n in stats["acks_per_process"]), stats  # both processes accepted connections
