"""A registered source, the server in a thread on 127.0.0.1:0, and a plain socket client."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from ecer.server.hj212 import Hj212Server, ServerConfig
from ecer.storage.db import session_scope
from ecer.storage.sources import PollutantSpec, SourceSpec, add_source
from tests.conftest import run_cli

MN = "010000A8900016F000169DC0"  # Appendix C's example MN
PW = "123456"


@pytest.fixture
def monitor_db(database_url):
    """Initialised database with Appendix C's example device registered as a wastewater outlet."""
    result = run_cli("init", "--json", env={"ECER_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.stderr
    with session_scope(database_url) as session:
        add_source(session, SourceSpec(mn=MN, pw=PW, enterprise="示例企业", outlet="总排口", kind="wastewater",
                                       region="永吉县", st="32",
                                       pollutants=(PollutantSpec("w01018"),)), "test")
    return database_url


class RunningServer:
    """The asyncio server on its own loop in a thread."""

    def __init__(self, url: str, config: ServerConfig) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = Hj212Server(url, config)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        self.host, self.port = self.server.sockets[0]

    def call(self, coro) -> object:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def stop(self) -> None:
        self.call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()

    def connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=5)
        return sock


@pytest.fixture
def server(monitor_db) -> Iterator[RunningServer]:
    running = RunningServer(monitor_db, ServerConfig(host="127.0.0.1", port=0, idle_timeout=5, reload_seconds=60))
    yield running
    running.stop()


def read_packets(sock: socket.socket, count: int) -> list[bytes]:
    """Read until ``count`` CR LF-terminated packets have arrived."""
    buf = b""
    while buf.count(b"\r\n") < count:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    return [p + b"\r\n" for p in buf.split(b"\r\n") if p]
