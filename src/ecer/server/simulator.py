"""Simulated data loggers over real TCP: 2011/2051/2061 uploads asking for acknowledgement.

Each logger has its own connection and a simulated clock that advances 30 s per real-time upload
(C.14's ``RtdInterval=30``); every 20th upload is followed by a 2051 ten-minute record and every
120th by a 2061 hour record, so a logger's DataTimes never repeat. A share of uploads is sent
with a broken CRC (they must be quarantined and never acknowledged); with a small probability a
logger drops its connection, reconnects and re-sends everything not yet acknowledged (the server
must store those once). Every 9014 is checked: ST=91, the upload's QN, PW and MN, ``CP=&&&&`` and
Flag with the sender's version bits and A=0.

For verification tests the upload kinds can be narrowed: with ``kinds=("2061",)`` the clock is
accelerated to one hour per upload, so each packet is the hour record of the next hour (DataTime
= ``start``, ``start`` + 1 h, …) and ``packets`` of them cover ``packets`` hours of simulated
operation within a second or two. ``ranges`` sets each code's value range (e.g. COD before and
after a retrofit, in two runs); ``drop`` loses a share of the records before they are sent, and
``outages`` takes a logger offline for some ticks, losing their records: both leave gaps that
the platform sees (and asks to back-fill; the simulator does not answer such requests).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import decode
from ecer.protocol.hj212.cp import CST
from ecer.protocol.hj212.framer import Frame, Framer

PW = "123456"
BASE_TIME = dt.datetime(2026, 1, 1, 0, 0, tzinfo=CST)
#: value range per code: flow w00000 [L/s], COD w01018 and NH3-N w21003 [mg/L], pH w01001
DEFAULT_RANGES: Mapping[str, tuple[float, float]] = MappingProxyType(
    {"w00000": (15, 20), "w01018": (30, 60), "w21003": (1, 5), "w01001": (6.5, 8.5)})
#: simulated seconds per tick, by the shortest interval uploaded (C.14 RtdInterval=30; 2051 every
#: 10 minutes; 2061 every hour)
_TICK_SECONDS = (("2011", 30), ("2051", 600), ("2061", 3600))


@dataclass
class SimulatorConfig:
    sources: int = 10
    rate: float = 100.0  # packets per second, all loggers together
    host: str = "127.0.0.1"
    port: int = 9212
    duration: float = 10.0  # s of sending; then up to ``drain`` s waiting for the last acknowledgements
    malformed: float = 0.01
    disconnects: float = 0.001
    seed: int = 1
    drain: float = 15.0
    overtime: float = 5.0  # s before an unacknowledged upload is sent again (C.1 OverTime=5)
    recount: int = 3  # times it is sent again at most (C.1 ReCount=3)
    start: dt.datetime = BASE_TIME
    mn_prefix: str = "51AA"
    kinds: tuple[str, ...] = ("2011", "2051", "2061")  # CNs uploaded; ("2061",) alone: one hour per packet
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # code → (low, high), over defaults
    packets: int | None = None  # ticks per logger, then stop (``duration`` stays the time limit)
    drop: float = 0.0  # share of records lost before sending: never sent, never re-sent
    outages: tuple[tuple[int, int], ...] = ()  # (first tick, ticks): offline, those records lost; then reconnect

    def __post_init__(self) -> None:
        if not self.kinds or set(self.kinds) - {cn for cn, _ in _TICK_SECONDS}:
            raise ValueError(f"kinds must be some of 2011, 2051, 2061: {self.kinds}")

    def tick_seconds(self) -> int:
        return next(s for cn, s in _TICK_SECONDS if cn in self.kinds)

    def value_ranges(self) -> dict[str, tuple[float, float]]:
        return {**DEFAULT_RANGES, **self.ranges}


def logger_mn(config: SimulatorConfig, index: int) -> str:
    return f"{config.mn_prefix}{index:020X}"


@dataclass
class _Totals:
    sent: int = 0
    malformed: int = 0
    acknowledged: int = 0
    wrong_acks: int = 0
    duplicate_acks: int = 0
    resent: int = 0
    reconnects: int = 0
    requests_from_platform: int = 0
    readings_sent: int = 0
    latencies: list[float] = field(default_factory=list)
    unacknowledged: int = 0
    dropped: int = 0


def _upload(mn: str, cn: str, when: dt.datetime, qn: str, rng: random.Random,
            ranges: Mapping[str, tuple[float, float]] = DEFAULT_RANGES) -> bytes:
    if cn == "2011":
        values: dict[str, dict[str, object]] = {
            "w00000": {"Rtd": round(rng.uniform(*ranges["w00000"]), 2), "Flag": "N"},
            "w01018": {"Rtd": round(rng.uniform(*ranges["w01018"]), 1), "Flag": "N"},
            "w21003": {"Rtd": round(rng.uniform(*ranges["w21003"]), 2), "Flag": "N"},
            "w01001": {"Rtd": round(rng.uniform(*ranges["w01001"]), 2), "Flag": "N"},
        }
    else:
        hour = cn == "2061"
        span = 3600 if hour else 600
        flow = rng.uniform(*ranges["w00000"])  # L/s
        cod = rng.uniform(*ranges["w01018"])
        values = {  # Cou in m³ (flow) and kg (COD: mg/L × m³ × 10⁻³)
            "w00000": {"Cou": round(flow * span / 1000, 2), "Avg": round(flow, 2), "Flag": "N"},
            "w01018": {"Cou": round(cod * flow * span / 1e6, 4), "Avg": round(cod, 1), "Flag": "N"},
            "w21003": {"Avg": round(rng.uniform(*ranges["w21003"]), 2), "Flag": "N"},
        }
    return builder.build(st="32", cn=cn, pw=PW, mn=mn, qn=qn, flag=builder.make_flag("2017", ack=True),
                         values=values, data_time=when)


class _Logger:
    def __init__(self, config: SimulatorConfig, index: int, totals: _Totals, rng: random.Random) -> None:
        self.config, self.totals, self.rng = config, totals, rng
        self.mn = logger_mn(config, index)
        self.clock = config.start
        self.seq = 0
        self.pending: dict[str, list] = {}  # QN → [packet, first send time, last send time, re-sends]
        self.acked: set[str] = set()
        self.reader_task: asyncio.Task[None] | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.offline = False
        self.ranges = config.value_ranges()
        self.step = config.tick_seconds()

    def _next_packets(self) -> list[tuple[str, str, bytes, bool]]:
        """(CN, QN, packet, malformed) for the next tick of this logger."""
        self.seq += 1
        self.clock += dt.timedelta(seconds=self.step)
        kinds, elapsed = self.config.kinds, self.seq * self.step
        due = [("2011", self.clock)] if "2011" in kinds else []
        if "2051" in kinds and elapsed % 600 == 0:
            due.append(("2051", self.clock - dt.timedelta(minutes=10)))
        if "2061" in kinds and elapsed % 3600 == 0:
            due.append(("2061", self.clock - dt.timedelta(hours=1)))
        out = []
        for n, (cn, when) in enumerate(due):
            qn = builder.make_qn(self.config.start + dt.timedelta(milliseconds=self.seq * 10 + n))
            packet = _upload(self.mn, cn, when.replace(second=0) if cn != "2011" else when, qn, self.rng,
                             self.ranges)
            bad = self.rng.random() < self.config.malformed
            if bad:
                packet = packet[:-6] + (b"0000" if packet[-6:-2] != b"0000" else b"FFFF") + b"\r\n"
            out.append((cn, qn, packet, bad))
        return out

    async def connect(self) -> None:
        reader, writer = await asyncio.open_connection(self.config.host, self.config.port)
        self.writer = writer
        self.reader_task = asyncio.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        cutter = Framer()
        while True:
            data = await reader.read(65536)
            cutter.receive_data(data)
            for event in cutter.events():
                if isinstance(event, Frame):
                    self._reply(event.raw)
            if not data:
                return

    def _reply(self, raw: bytes) -> None:
        packet = decode(raw)
        if packet.cn != "9014":  # a request from the platform (back-fill, time): not an ack
            self.totals.requests_from_platform += 1
            return
        if packet.qn in self.acked and packet.mn == self.mn:  # a re-sent upload, acknowledged again
            self.totals.duplicate_acks += 1
            return
        entry = self.pending.pop(packet.qn or "", None)
        good = (entry is not None and packet.ok and packet.st == "91" and packet.mn == self.mn and packet.pw == PW
                and packet.flag == builder.make_flag("2017") and not packet.values and not packet.cp)
        if not good:
            self.totals.wrong_acks += 1
            return
        assert entry is not None and packet.qn is not None
        self.acked.add(packet.qn)
        self.totals.acknowledged += 1
        self.totals.latencies.append(time.perf_counter() - entry[1])

    def _outage(self) -> tuple[bool, bool]:
        """(this tick is offline, this tick ends an outage) for the tick about to be sent."""
        seq = self.seq + 1
        down = any(first <= seq < first + ticks for first, ticks in self.config.outages)
        return down, self.offline and not down

    async def tick(self) -> None:
        assert self.writer is not None
        down, back = self._outage()
        if down and not self.offline:
            await self.close()
            self.offline = True
        if back:
            self.offline = False
            await self.reconnect()
        for cn, qn, packet, bad in self._next_packets():
            if self.offline or (self.config.drop and self.rng.random() < self.config.drop):
                self.totals.dropped += 1  # lost in the field: never sent, nothing to acknowledge
                continue
            self.writer.write(packet)
            self.totals.sent += 1
            if bad:
                self.totals.malformed += 1
            else:
                now = time.perf_counter()
                self.pending[qn] = [packet, now, now, 0]
                self.totals.readings_sent += 4 if cn == "2011" else 3
        if self.offline:
            return
        await self.writer.drain()
        if self.rng.random() < self.config.disconnects:
            await self.reconnect()

    async def reconnect(self) -> None:
        await self.close()
        self.totals.reconnects += 1
        await self.connect()
        assert self.writer is not None
        for entry in list(self.pending.values()):
            self.writer.write(entry[0])
            entry[2] = time.perf_counter()
            self.totals.resent += 1
        await self.writer.drain()

    async def resend_overdue(self) -> None:
        """Send again what was not acknowledged within ``overtime`` (C.1 超时重发)."""
        assert self.writer is not None
        if self.offline:
            return
        now = time.perf_counter()
        for entry in list(self.pending.values()):
            if now - entry[2] > self.config.overtime and entry[3] < self.config.recount:
                self.writer.write(entry[0])
                entry[2], entry[3] = now, entry[3] + 1
                self.totals.resent += 1
        await self.writer.drain()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except ConnectionError:
                pass
        if self.reader_task is not None:
            self.reader_task.cancel()
            await asyncio.gather(self.reader_task, return_exceptions=True)


async def simulate(config: SimulatorConfig, acknowledged: dict[str, set[str]] | None = None) -> dict[str, object]:
    """Run the loggers; returns the counts and the acknowledgement latency percentiles.

    ``acknowledged``, when given, receives each logger's MN → the QNs the platform acknowledged (to compare
    with what was stored).
    """
    rng = random.Random(config.seed)
    totals = _Totals()
    loggers = [_Logger(config, i, totals, random.Random(rng.random())) for i in range(config.sources)]
    await asyncio.gather(*(lg.connect() for lg in loggers))
    started = time.perf_counter()
    step = 0.01  # s between send rounds
    index = 0
    last_check = started
    total = None if config.packets is None else config.packets * len(loggers)
    while (elapsed := time.perf_counter() - started) < config.duration and (total is None or index < total):
        if time.perf_counter() - last_check > 0.5:
            last_check = time.perf_counter()
            await asyncio.gather(*(lg.resend_overdue() for lg in loggers))
        due = int(config.rate * elapsed) - index  # ticks owed so far: the rate holds even when a round runs late
        for _ in range(max(0, min(due, int(config.rate), (total or index + due) - index))):
            await loggers[index % len(loggers)].tick()
            index += 1
        await asyncio.sleep(step)
    sending = time.perf_counter() - started
    deadline = time.perf_counter() + config.drain
    while any(lg.pending for lg in loggers) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
        await asyncio.gather(*(lg.resend_overdue() for lg in loggers))
    elapsed = time.perf_counter() - started
    totals.unacknowledged = sum(len(lg.pending) for lg in loggers)
    if acknowledged is not None:
        acknowledged.update({lg.mn: set(lg.acked) for lg in loggers})
    await asyncio.gather(*(lg.close() for lg in loggers))
    lat = sorted(totals.latencies)

    def pct(p: float) -> float | None:
        return None if not lat else round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2)

    return {"sources": config.sources, "sent": totals.sent, "malformed": totals.malformed,
            "acknowledged": totals.acknowledged, "unacknowledged": totals.unacknowledged,
            "wrong_acks": totals.wrong_acks, "duplicate_acks": totals.duplicate_acks, "readings_sent": totals.readings_sent, "resent": totals.resent, "reconnects": totals.reconnects,
            "dropped": totals.dropped,
            "requests_from_platform": totals.requests_from_platform, "sending_seconds": round(sending, 2),
            "elapsed_seconds": round(elapsed, 2), "packets_per_second": round(totals.sent / sending, 1),
            "acks_per_second": round(totals.acknowledged / elapsed, 1), "ack_p50_ms": pct(0.5),
            "ack_p99_ms": pct(0.99), "ack_max_ms": pct(1.0)}


def run_simulation(config: SimulatorConfig) -> dict[str, object]:
    from ecer.domain.errors import EcerError

    try:
        return asyncio.run(simulate(config))
    except OSError as exc:
        raise EcerError("MONITOR_SERVER_UNREACHABLE", f"{config.host}:{config.port} {exc}") from exc


def register_sources(url: str, config: SimulatorConfig) -> int:
    """Register the simulated loggers (wastewater outlets in the plan's Annex 2 regions)."""
    from ecer.storage.db import session_scope
    from ecer.storage.plans import active_plan
    from ecer.storage.sources import PollutantSpec, SourceSpec, add_source

    with session_scope(url) as session:
        regions = [r.name for r in active_plan(session).annex2_regions()] or ["吉林市"]
        for i in range(config.sources):
            spec = SourceSpec(mn=logger_mn(config, i), pw=PW, enterprise=f"模拟企业{i + 1}（合成演示数据）",
                              outlet="废水总排口", kind="wastewater", region=regions[i % len(regions)], st="32",
                              pollutants=(PollutantSpec("w01018"), PollutantSpec("w21003")))
            add_source(session, spec, "simulator", replace=True)
    return config.sources
