"""What the scale-tier tests start on loopback: nats-server (single or a three-node JetStream
cluster), and Spark (local mode, or a standalone master with two workers).

With ``CI=true`` a missing nats-server, Java or ``ecer[scale]`` module fails the run; elsewhere the
tests that need it skip and say what is missing.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CI = os.environ.get("CI") == "true"


def missing(what: str) -> None:
    if CI:
        pytest.fail(f"CI=true and {what}")
    pytest.skip(what)


def need_module(name: str) -> None:
    try:
        importlib.import_module(name)
    except ImportError:
        missing(f"module {name} of ecer[scale] is not installed (pip install -e .[scale])")


def need_binary(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path is None:
        missing(f"{name} not found (Debian package {package}; make system-deps)")
    return path  # type: ignore[return-value]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


@dataclass
class NatsNode:
    name: str
    port: int
    monitor: int
    config: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, binary: str, log: Path) -> None:
        self.process = subprocess.Popen([binary, "-c", str(self.config)], stdout=log.open("ab"),
                                        stderr=subprocess.STDOUT)
        wait_port(self.port)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def _node_config(node: NatsNode, store: Path, cluster: tuple[int, list[int]] | None) -> str:
    lines = [f'server_name: "{node.name}"', f"listen: 127.0.0.1:{node.port}",
             f"http: 127.0.0.1:{node.monitor}", f'jetstream {{ store_dir: "{store}" }}']
    if cluster is not None:
        own, routes = cluster
        route_urls = ", ".join(f'"nats-route://127.0.0.1:{p}"' for p in routes)
        lines.append(f'cluster {{ name: "ecer"\n listen: 127.0.0.1:{own}\n routes: [{route_urls}] }}')
    return "\n".join(lines) + "\n"


def _nodes(tmp: Path, count: int) -> list[NatsNode]:
    ports = [(free_port(), free_port(), free_port()) for _ in range(count)]
    nodes = []
    for i, (port, monitor, cport) in enumerate(ports):
        node = NatsNode(f"n{i}", port, monitor, tmp / f"n{i}.conf")
        cluster = None if count == 1 else (cport, [p[2] for j, p in enumerate(ports) if j != i])
        node.config.write_text(_node_config(node, tmp / f"store-n{i}", cluster))
        nodes.append(node)
    return nodes


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    """One nats-server with JetStream on a random loopback port and a temporary store."""
    need_module("nats")
    binary = need_binary("nats-server", "nats-server")
    (node,) = _nodes(tmp_path, 1)
    node.start(binary, tmp_path / "nats.log")
    yield node.url
    node.kill()


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[list[NatsNode]]:
    """Three JetStream nodes in one cluster, on loopback."""
    need_module("nats")
    binary = need_binary("nats-server", "nats-server")
    nodes = _nodes(tmp_path, 3)
    for node in nodes:
        node.start(binary, tmp_path / f"{node.name}.log")
    yield nodes
    for node in nodes:
        node.kill()


@pytest.fixture(scope="session")
def spark_home() -> str:
    """SPARK_HOME of the pip-installed pyspark; Java must be on PATH."""
    need_module("pyspark")
    need_binary("java", "openjdk-17-jre-headless")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import pyspark

    return str(Path(pyspark.__file__).parent)


@pytest.fixture(scope="session")
def spark_standalone(spark_home: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and two one-core workers on loopback; yields ``spark://127.0.0.1:PORT``."""
    logs = tmp_path_factory.mktemp("spark")
    env = {**os.environ, "SPARK_HOME": spark_home, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable,
           "SPARK_LOG_DIR": str(logs), "SPARK_WORKER_DIR": str(logs / "work")}
    spark_class = str(Path(spark_home) / "bin" / "spark-class")
    port = free_port()
    master_url = f"spark://127.0.0.1:{port}"
    procs = [subprocess.Popen([spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                               "--port", str(port), "--webui-port", str(free_port())], env=env,
                              stdout=(logs / "master.log").open("wb"), stderr=subprocess.STDOUT)]
    try:
        wait_port(port, 60)
        for i in range(2):
            procs.append(subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.worker.Worker", master_url, "--host", "127.0.0.1",
                 "--cores", "1", "--memory", "1g", "--webui-port", str(free_port()),
                 "--work-dir", str(logs / f"work{i}")],
                env=env, stdout=(logs / f"worker{i}.log").open("wb"), stderr=subprocess.STDOUT))
        yield master_url
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
