"""Several gateway processes behind one address: ``ecer lake gateway --processes N``.

One Python process frames, checks and publishes on one core; the gateway keeps no state beyond the
source registry, so N processes on one machine serve one port with ``SO_REUSEPORT`` and the kernel
spreads the devices' connections among them (each connection stays with one process, so its
acknowledgements keep their order). Each process has its own JetStream connection; a packet that a
device re-sends to another process is still stored once (message-id deduplication).

The processes are started with ``spawn`` (no inherited database connections or event loop); the
parent forwards SIGINT/SIGTERM to them and adds up their counters when they have stopped. Each runs
uvloop when it is installed (``ecer.scale.loop``; the environment, with ``ECER_LOOP``, is inherited).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import socket
from collections.abc import Callable, Mapping
from typing import Any

from ecer.domain.errors import EcerError
from ecer.scale.routing import SourceEntry

log = logging.getLogger("ecer.scale")
_POLL = 0.5  # s between checks that every process is still alive


def free_port(host: str) -> int:
    """A port nothing listens on now (for ``--port 0`` with several processes: all must share one)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _member(index: int, events: Any, log_url: str, loader: Callable[[], Mapping[str, SourceEntry]],
            options: dict[str, Any]) -> None:
    """One gateway process: serve until SIGINT/SIGTERM, then report its counters to the parent."""
    from ecer.scale import loop
    from ecer.services.lake import run_gateway

    loop.install()  # uvloop when installed (ECER_LOOP=asyncio keeps the default loop)
    try:
        stats = run_gateway(log_url, loader, reuse_port=True,
                            on_ready=lambda sockets: events.put(("ready", index, sockets)), **options)
    except EcerError as exc:
        events.put(("error", index, exc.problems))
        return
    events.put(("stats", index, stats))


def combine(stats: list[dict[str, Any]]) -> dict[str, Any]:
    """The processes' counters added up (``max_in_flight``: the largest), with each one's acks."""
    total: dict[str, Any] = {"processes": len(stats)}
    for one in stats:
        for key, value in one.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = max(total.get(key, 0), value) if key == "max_in_flight" else total.get(key, 0) + value
    total["acks_per_process"] = [one.get("acks", 0) for one in stats]
    return total


def run_gateways(log_url: str, loader: Callable[[], Mapping[str, SourceEntry]], *, processes: int, host: str,
                 port: int, on_ready: Callable[[list[tuple[str, int]]], None] | None = None,
                 **options: Any) -> dict[str, Any]:
    """Run ``processes`` gateways on ``host:port`` until SIGINT/SIGTERM; returns their counters added up.

    ``loader`` must be picklable (a module-level function or ``functools.partial``); ``options`` go
    to ``ecer.services.lake.run_gateway`` (idle_timeout, replicas, scan). ``on_ready`` is called
    once every process listens.
    """
    if port == 0:
        port = free_port(host)
    ctx = multiprocessing.get_context("spawn")
    events = ctx.Queue()
    members = [ctx.Process(target=_member, name=f"ecer-gateway-{i}",
                           args=(i, events, log_url, loader, {"host": host, "port": port, **options}))
               for i in range(processes)]
    for member in members:
        member.start()

    asked: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        """Stop the processes; a second signal kills them (one may hang connecting to the log)."""
        asked.append(signum)
        how = signal.SIGKILL if len(asked) > 1 and _frame is not None else signal.SIGTERM
        for member in members:
            if member.pid is not None and member.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(member.pid, how)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    results: dict[int, dict[str, Any]] = {}
    failure: list[Any] | None = None
    ready: list[tuple[str, int]] = []
    try:
        done: set[int] = set()
        while len(done) < processes:
            try:
                kind, index, payload = events.get(timeout=_POLL)
            except queue.Empty:
                for index, member in enumerate(members):  # died without a word (killed)
                    if index not in done and member.exitcode is not None:
                        log.error("gateway process %d ended with %s", index, member.exitcode)
                        done.add(index)
                        forward(signal.SIGTERM, None)
                continue
            if kind == "ready":
                ready.append(payload)
                if len(ready) == processes and on_ready is not None:
                    on_ready(payload)
            elif kind == "error":
                failure = failure or payload
                done.add(index)
                forward(signal.SIGTERM, None)
            else:
                results[index] = payload
                done.add(index)
    finally:
        for member in members:
            member.join(30)
            if member.exitcode is None:
                member.kill()
                member.join(5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure is not None:
        raise EcerError(failure)
    return combine([results[i] for i in sorted(results)])
