"""What the platform does with each packet a data logger sends: one table, no I/O.

The transport (``ecer.server.hj212``) feeds bytes to the framer and hands every event to a
``Conversation``; the conversation decides, from ``EXCHANGES``, whether the packet is stored (and
acknowledged with 9014 only after the batch holding it is committed), answered at once (9013 for
a 1013 time-calibration request, followed by 1012 with the platform's time), merely logged (a
device's 9011/9012 answers to the platform's requests), or refused into quarantine with a reason.

=====  ============================  =========  ===================================================
CN     exchange (Appendix C table)   action     reply
=====  ============================  =========  ===================================================
2011   上传污染物实时数据 (C.14)     store      9014 after commit, when Flag's A bit is set
2051   上传污染物分钟数据 (C.16)     store      9014 after commit; a gap triggers a 2051 back-fill
2061   上传污染物小时数据 (C.17)     store      9014 after commit; a gap triggers a 2061 back-fill
2031   上传污染物日历史数据 (C.18)   store      9014 after commit; a gap triggers a 2031 back-fill
2041   上传设备运行时间日历史 (C.19) store      9014 after commit
2021   上传设备运行状态数据 (C.15)   store      9014 after commit
2081   上传数采仪开机时间 (C.24)     store      9014 after commit
1013   现场机时间校准请求 (C.4)      time       9013 now, then 1012 设置现场机时间 (C.3)
1011   提取现场机时间 响应 (C.2)     clock      1012 when the device's clock is off by more than allowed
9011   请求应答 (C.1)                log        none
9012   执行结果 (C.1)                log        none
=====  ============================  =========  ===================================================

Split packets (Flag D bit, PNUM/PNO; C.49, C.50) need no reassembly: each part carries its own
DataTime and items, is stored on its own and acknowledged on its own QN.

Ambient stations (sources of kind ``air_station`` / ``water_section``, registered by ``ecer environment
stations register``) upload with ST=22 / ST=21 (HJ 212-2017 表5); an upload with another ST is quarantined as
``ENV_WRONG_MEDIUM``. Their hourly and daily uploads (2061, 2031) also carry the decoded packet in
``Outcome.ambient``, which the writer turns into station concentrations in the same transaction.

Vendor extensions (login or heartbeat packets with CNs the standard does not define, e.g. 9021) are
accepted only for a source whose ``vendor_extensions`` lists the CN; they are acknowledged when the
A bit asks for it and not stored. Elsewhere they are quarantined as ``MONITOR_CN_UNSUPPORTED``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import DEVIATIONS, Packet, decode
from ecer.protocol.hj212.cp import CST

STORE, TIME, CLOCK, LOG = "store", "time", "clock", "log"


@dataclass(frozen=True)
class Exchange:
    cn: str
    name_zh: str
    action: str
    clause: str
    backfill: bool = False


EXCHANGES: Final[dict[str, Exchange]] = {e.cn: e for e in (
    Exchange("2011", "上传污染物实时数据", STORE, "C.14"),
    Exchange("2051", "上传污染物分钟数据", STORE, "C.16", backfill=True),
    Exchange("2061", "上传污染物小时数据", STORE, "C.17", backfill=True),
    Exchange("2031", "上传污染物日历史数据", STORE, "C.18", backfill=True),
    Exchange("2041", "上传设备运行时间日历史数据", STORE, "C.19"),
    Exchange("2021", "上传设备运行状态数据", STORE, "C.15"),
    Exchange("2081", "上传数采仪开机时间", STORE, "C.24"),
    Exchange("1013", "现场机时间校准请求", TIME, "C.4"),
    Exchange("1011", "提取现场机时间（现场机响应）", CLOCK, "C.2"),
    Exchange("9011", "请求应答", LOG, "C.1"),
    Exchange("9012", "执行结果", LOG, "C.1"),
)}

#: Expected reporting interval per CN when a source does not say [s]: minute data every 10 minutes
#: (the C.16 example), hourly and daily data by definition.
DEFAULT_INTERVALS: Final = {"2011": 30, "2051": 600, "2061": 3600, "2031": 86400}
#: Source kind of an ambient station → the ST its uploads carry (HJ 212-2017 表5: 22 空气质量监测, 21 地表水质量监测).
AMBIENT_ST: Final = {"air_station": "22", "water_section": "21"}
#: Uploads the environment tables hold (hourly and daily); real-time and minute data stay readings only.
AMBIENT_CNS: Final = frozenset({"2061", "2031"})
_MAIN_SUFFIXES: Final = {"Rtd": 4, "Min": 5, "Avg": 6, "Max": 7, "Cou": 8, "ZsRtd": 9, "ZsAvg": 10}


@dataclass(frozen=True)
class SourceInfo:
    """What the server needs to know about a registered source."""

    mn: str
    pw: str
    kind: str = "wastewater"
    st: str | None = None
    accepted: frozenset[str] = frozenset()
    extensions: frozenset[str] = frozenset()
    intervals: Mapping[str, int] = field(default_factory=dict)

    def interval(self, cn: str) -> int | None:
        return self.intervals.get(cn) or DEFAULT_INTERVALS.get(cn)


@dataclass
class Outcome:
    """What to do with one framer event."""

    rows: list[tuple[object, ...]] = field(default_factory=list)
    quarantine: tuple[str | None, str | None, str, str, bytes] | None = None  # mn, cn, reason, detail, raw
    reply_now: list[bytes] = field(default_factory=list)
    ack: bytes | None = None  # sent only after the rows are committed
    log: str | None = None
    ambient: Packet | None = None  # an ambient station's 2061/2031 upload, for the environment tables

    @property
    def needs_commit(self) -> bool:
        return bool(self.rows) or self.quarantine is not None


def reading_rows(packet: Packet, received_at: dt.datetime) -> list[tuple[object, ...]]:
    """One row per code, columns as ``ecer.storage.ingest.READING_COLUMNS``; other suffixes go to ``extra`` as JSON."""
    rows: list[tuple[object, ...]] = []
    mn, cn, when, qn = packet.mn, packet.cn, packet.data_time, packet.qn
    main = _MAIN_SUFFIXES
    for code, item in packet.values.items():
        row: list[object] = [mn, cn, when, code, None, None, None, None, None, None, None, None, None, qn,
                             received_at]
        extra: dict[str, object] | None = None
        for suffix, value in item.items():
            index = main.get(suffix)
            if index is not None and isinstance(value, float):
                row[index] = value
            elif suffix == "Flag":
                row[11] = value
            else:
                if extra is None:
                    extra = {}
                extra[suffix] = value.isoformat() if isinstance(value, dt.datetime) else value
        if extra is not None:
            row[12] = json.dumps(extra, ensure_ascii=False)
        rows.append(tuple(row))
    if not rows and packet.cp:  # 2081: DataTime and RestartTime only
        extra = {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in packet.cp.items()}
        rows.append((mn, cn, when, "cp", None, None, None, None, None, None, None, None,
                     json.dumps(extra, ensure_ascii=False), qn, received_at))
    return rows


class Conversation:
    """One connection's exchanges; ``handle(packet)`` returns what to store and what to send.

    ``sources`` maps MN → ``SourceInfo`` (the server replaces it when the registry is reloaded);
    ``last_seen`` maps (MN, CN) → the newest DataTime stored, shared by all connections, for gaps.
    """

    def __init__(self, sources: Callable[[], Mapping[str, SourceInfo]], *, peer: str = "",
                 last_seen: dict[tuple[str, str], dt.datetime] | None = None,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(CST),
                 ask_time: bool = False, max_clock_skew: float = 60.0, backfill: bool = True) -> None:
        self.sources = sources
        self.peer = peer
        self.last_seen = {} if last_seen is None else last_seen
        self.now = now
        self.ask_time = ask_time
        self.max_clock_skew = max_clock_skew
        self.backfill = backfill
        self._asked: set[str] = set()

    def handle_frame(self, raw: bytes) -> Outcome:
        return self.handle(decode(raw), raw)

    def refuse(self, raw: bytes, reason: str, detail: str, mn: str | None = None,
               cn: str | None = None) -> Outcome:
        return Outcome(quarantine=(mn, cn, reason, detail, raw), log=f"quarantine {reason} {detail}")

    def handle(self, packet: Packet, raw: bytes) -> Outcome:
        if not packet.ok:
            codes = ",".join(sorted({e.code for e in packet.errors}))
            return self.refuse(raw, "MONITOR_PACKET_REFUSED", codes, packet.mn, packet.cn)
        source = self.sources().get(packet.mn or "")
        if source is None:
            return self.refuse(raw, "MONITOR_UNKNOWN_MN", packet.mn or "", packet.mn, packet.cn)
        if packet.pw != source.pw:
            return self.refuse(raw, "MONITOR_WRONG_PW", packet.mn or "", packet.mn, packet.cn)
        if packet.warnings:  # deviations the source was not allowed (most packets carry none)
            used = {w.code for w in packet.warnings if w.code in DEVIATIONS} - source.accepted
            if used:
                return self.refuse(raw, "MONITOR_DEVIATION_NOT_ALLOWED", ",".join(sorted(used)), packet.mn, packet.cn)
        cn = packet.cn or ""
        exchange = EXCHANGES.get(cn)
        if exchange is None:
            if cn in source.extensions:
                return Outcome(reply_now=[builder.data_ack(packet)] if packet.ack_requested else [],
                               log=f"vendor extension {cn} from {packet.mn}")
            return self.refuse(raw, "MONITOR_CN_UNSUPPORTED", cn, packet.mn, cn)
        outcome = self._dispatch(exchange, packet, source, raw)
        if self.ask_time and source.mn not in self._asked:
            self._asked.add(source.mn)
            outcome.reply_now.append(self._request(source, packet, "1011", {}))
        return outcome

    def _dispatch(self, exchange: Exchange, packet: Packet, source: SourceInfo, raw: bytes) -> Outcome:
        if exchange.action == STORE:
            if packet.data_time is None:
                return self.refuse(raw, "MONITOR_NO_DATATIME", exchange.cn, packet.mn, exchange.cn)
            outcome = Outcome(rows=reading_rows(packet, self.now()))
            ambient_st = AMBIENT_ST.get(source.kind)
            if ambient_st is not None:
                if packet.st != ambient_st:
                    return self.refuse(raw, "ENV_WRONG_MEDIUM", f"ST={packet.st}，登记为 ST={ambient_st}",
                                       packet.mn, exchange.cn)
                if exchange.cn in AMBIENT_CNS:
                    outcome.ambient = packet
            if packet.ack_requested:
                outcome.ack = builder.data_ack(packet)
            if exchange.backfill and self.backfill:
                request = self._gap(source, packet)
                if request is not None:
                    outcome.reply_now.append(request)
            return outcome
        if exchange.action == TIME:  # C.4 then C.3
            pol = packet.cp.get("PolId")
            fields: dict[str, object] = {} if pol is None else {"PolId": pol}
            fields["SystemTime"] = self.now()
            return Outcome(reply_now=[builder.notify_ack(packet), self._request(source, packet, "1012", fields)],
                           log=f"time calibration requested by {packet.mn}")
        if exchange.action == CLOCK:
            reported = packet.cp.get("SystemTime")
            if isinstance(reported, dt.datetime):
                skew = (reported - self.now()).total_seconds()
                if abs(skew) > self.max_clock_skew:
                    pol = packet.cp.get("PolId")
                    fields = {} if pol is None else {"PolId": pol}
                    fields["SystemTime"] = self.now()
                    return Outcome(reply_now=[self._request(source, packet, "1012", fields)],
                                   log=f"clock of {packet.mn} off by {skew:.0f} s: set")
            return Outcome(log=f"clock of {packet.mn}: {reported}")
        return Outcome(log=f"{exchange.cn} {exchange.name_zh} from {packet.mn}: {packet.cp}")

    def _request(self, source: SourceInfo, packet: Packet, cn: str, fields: dict[str, object]) -> bytes:
        version = packet.version if packet.version in builder.VERSION_BITS else "2017"
        flag = builder.make_flag(version, ack=True)
        return builder.build(st=source.st or packet.st or "32", cn=cn, pw=source.pw, mn=source.mn,
                             qn=builder.make_qn(self.now()), flag=flag, fields=fields)

    def _gap(self, source: SourceInfo, packet: Packet) -> bytes | None:
        """Ask for the missing span when an upload jumps past the expected interval (C.20–C.22)."""
        cn = packet.cn or ""
        when = packet.data_time
        assert when is not None
        key = (source.mn, cn)
        last = self.last_seen.get(key)
        if last is None or when > last:
            self.last_seen[key] = when
        interval = source.interval(cn)
        if last is None or interval is None or when <= last:
            return None
        step = dt.timedelta(seconds=interval)
        if when - last <= step * 1.5:
            return None
        return self._request(source, packet, cn, {"BeginTime": last + step, "EndTime": when - step})
