"""Acknowledged data survives kill -9 of a server subprocess during ingest (SQLite WAL and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from sqlalchemy import select

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.cp import CST
from ecer.protocol.hj212.framer import Frame, Framer
from ecer.storage.db import session_scope
from ecer.storage.monitoring import Reading
from tests.server.conftest import MN, PW


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "ECER_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "ecer.cli.main", "monitor", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "server did not start")


def upload(n: int) -> tuple[str, dt.datetime, bytes]:
    when = dt.datetime(2026, 3, 1, tzinfo=CST) + dt.timedelta(seconds=30 * n)
    qn = builder.make_qn(dt.datetime(2026, 3, 1, tzinfo=CST) + dt.timedelta(milliseconds=n))
    packet = builder.build(st="32", cn="2011", pw=PW, mn=MN, qn=qn, flag=5, data_time=when,
                           values={"w01018": {"Rtd": 40.0 + n % 7, "Flag": "N"}, "w00000": {"Rtd": 17.5, "Flag": "N"}})
    return qn, when, packet


def test_every_acknowledged_packet_survives_kill_9(monitor_db):
    port = free_port()
    proc = start_server(monitor_db, port)
    sent: dict[str, dt.datetime] = {}
    acked: set[str] = set()
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    stop = threading.Event()

    def send() -> None:
        n = 0
        try:
            while not stop.is_set():
                chunk = []
                for _ in range(20):
                    qn, when, packet = upload(n)
                    sent[qn] = when
                    chunk.append(packet)
                    n += 1
                sock.sendall(b"".join(chunk))
                time.sleep(0.002)
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    cutter = Framer()
    try:
        while len(acked) < 400:
            data = sock.recv(65536)
            assert data, "server closed before the kill"
            cutter.receive_data(data)
            for event in cutter.events():
                if isinstance(event, Frame):
                    ack = decode(event.raw)
                    assert ack.cn == "9014"
                    acked.add(ack.qn)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: the sender is still writing
        proc.wait(10)
        # acknowledgements already on the wire count too
        sock.settimeout(1)
        try:
            while data := sock.recv(65536):
                cutter.receive_data(data)
                acked.update(decode(e.raw).qn for e in cutter.events() if isinstance(e, Frame))
        except OSError:
            pass
    finally:
        stop.set()
        sock.close()
        sender.join(5)
        if proc.poll() is None:
            proc.kill()
    assert len(sent) > len(acked)  # the kill did interrupt ingest
    with session_scope(monitor_db) as s:
        stored = {r.qn for r in s.scalars(select(Reading).where(Reading.code == "w01018"))}
    assert acked - stored == set()
