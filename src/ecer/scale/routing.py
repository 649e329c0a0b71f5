"""What a gateway does with one frame: publish it (where, under which id), answer it, or refuse it.

Pure (no I/O): ``route(raw, sources)`` decodes the frame with the HJ 212 codec, checks it against
the registry of sources and returns a ``Route``. The asyncio gateway (``ecer.scale.gateway``)
publishes ``route.subject`` with ``route.msg_id`` and writes ``route.ack`` only after the log
confirmed the store.

* Uploads (CN 2011, 2051, 2061, 2031, 2041, 2021, 2081; HJ 212-2017 Appendix C.14–C.19, C.24) go
  raw to ``hj212.<region>.<MN>`` with message id ``MN|CN|DataTime|PNO`` (PNO 1 for an unsplit
  packet), so a retransmission within the log's deduplication window is stored once. The 9014
  acknowledgement (C.14: ST=91, the upload's QN, Flag with the sender's version bits) is sent when
  Flag's A bit asked for it.
* 1013 (C.4) is answered at once with 9013 and followed by 1012 with the platform time (C.3).
* 9011/9012 (a device's answers) need nothing; any other CN is refused.
* Refused packets (unknown MN, wrong PW, codec errors, deviations the source is not allowed,
  uploads without DataTime) go to ``hj212q.<REASON>`` so the quarantine keeps them; no ack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import DEVIATIONS, Packet, decode
from ecer.protocol.hj212.cp import CST

#: Uploads stored in the log, with their Appendix C table.
UPLOADS: Final = {"2011": "C.14", "2051": "C.16", "2061": "C.17", "2031": "C.18", "2041": "C.19",
                  "2021": "C.15", "2081": "C.24"}
ANSWERS: Final = frozenset({"9011", "9012"})  # C.1: a device's answers to the platform's requests
QUARANTINE_PREFIX: Final = "hj212q"


@dataclass(frozen=True)
class SourceEntry:
    """What a gateway needs to know about a registered data logger."""

    mn: str
    pw: str
    region: str  # the Annex region it counts to
    accepted: frozenset[str] = frozenset()  # codec deviations the operator allowed for it


@dataclass(frozen=True)
class Route:
    subject: str | None = None  # publish here (None: nothing to store)
    msg_id: str | None = None  # None with a subject: store without deduplication (quarantine)
    ack: bytes | None = None  # write after the log stored the packet
    reply_now: tuple[bytes, ...] = ()  # write at once (9013 + 1012)
    refused: str | None = None  # error code when refused
    detail: str = ""
    packet: Packet | None = None
    raw: bytes = b""  # the frame as received: what is published


def subject_token(text: str) -> str:
    """A NATS subject token for a region or MN: kept as is unless it holds ``. * >`` or blanks."""
    if text and not any(ch in text for ch in ".*> \t\r\n"):
        return text
    return quote(text, safe="").replace(".", "%2E") or "_"


def accepted_subject(region: str, mn: str) -> str:
    return f"hj212.{subject_token(region)}.{subject_token(mn)}"


def message_id(packet: Packet) -> str:
    """``MN|CN|DataTime|PNO``: the identity of an upload (issue 9 §1)."""
    stamp = builder.format_time(packet.data_time) if packet.data_time else ""
    return f"{packet.mn}|{packet.cn}|{stamp}|{packet.pno or 1}"


def refuse(raw: bytes, reason: str, detail: str = "", packet: Packet | None = None) -> Route:
    return Route(subject=f"{QUARANTINE_PREFIX}.{reason}", refused=reason, detail=detail, packet=packet,
                 raw=raw)


def route(raw: bytes, sources: Mapping[str, SourceEntry], now: dt.datetime | None = None) -> Route:
    """Decide what to do with one frame (``##`` to CR LF, as received)."""
    packet = decode(raw)
    entry = sources.get(packet.mn or "")
    if packet.errors:
        return refuse(raw, "MONITOR_PACKET_REFUSED", ";".join(n.code for n in packet.errors), packet)
    if entry is None:
        return refuse(raw, "MONITOR_UNKNOWN_MN", packet.mn or "", packet)
    if packet.pw != entry.pw:
        return refuse(raw, "MONITOR_WRONG_PW", packet.mn or "", packet)
    denied = [n.code for n in packet.warnings if n.code in DEVIATIONS and n.code not in entry.accepted]
    if denied:
        return refuse(raw, "MONITOR_DEVIATION_NOT_ALLOWED", ";".join(denied), packet)
    cn = packet.cn or ""
    if cn in UPLOADS:
        if packet.data_time is None:
            return refuse(raw, "MONITOR_NO_DATATIME", cn, packet)
        ack = builder.data_ack(packet) if packet.ack_requested else None
        return Route(subject=accepted_subject(entry.region, entry.mn), msg_id=message_id(packet), ack=ack,
                     packet=packet, raw=raw)
    if cn == "1013":
        when = now or dt.datetime.now(CST)
        version = packet.version if packet.version in builder.VERSION_BITS else "2017"
        reply = builder.set_time(st=packet.st or "", pw=entry.pw, mn=entry.mn, system_time=when,
                                 version=version)
        return Route(reply_now=(builder.notify_ack(packet), reply), packet=packet)
    if cn in ANSWERS:
        return Route(packet=packet)
    return refuse(raw, "MONITOR_CN_UNSUPPORTED", cn, packet)
