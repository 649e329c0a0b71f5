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

Most frames are the usual upload: Table 3's header in order, a ``DataTime`` and measurement items
with numbers and Table 8 flags. For those ``scan_upload`` checks everything the decoder would check
(length, Appendix A CRC, header fields, each item's shape, known 2017 codes, the DataTime, the
registry) with one regular expression over the bytes, without building a ``Packet``; any frame it
cannot vouch for (other CNs, split packets, deviations, refusals) takes the full decode, so a
packet is accepted or refused, and named, exactly as the decoder decides (tested on both paths).
The lake writers decode the stored bytes fully anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple
from urllib.parse import quote

from ecer.protocol.hj212 import builder
from ecer.protocol.hj212.codec import DEVIATIONS, MAX_DATA_LENGTH, VERSIONS, Packet, decode
from ecer.protocol.hj212.codes import load_codes
from ecer.protocol.hj212.cp import CST, NUMBER_SUFFIXES, parse_time
from ecer.protocol.hj212.crc import hj212_crc16

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


#: The usual upload, whole frame: ``##`` length, Table 3's header in order without PNUM/PNO (QN
#: 17 digits within the codec's field ranges — month 01–12, day 01–31, hour < 24, minute and
#: second < 60 —, ST, CN, PW, MN 24 upper hex, Flag), ``CP=&&DataTime=`` 14 digits (year ≥ 1000),
#: then ``code-Suffix=number`` (at most 20 + 20 digits: always a finite float) or ``code-Flag=``
#: one of Table 8's flags, separated by ``;`` or ``,``; ``&&``, 4 upper-hex CRC, CR LF. Anything
#: else is decoded in full.
_UPLOAD: Final = re.compile(
    rb"##([0-9]{4})(QN=([0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?:[01][0-9]|2[0-3])[0-5][0-9]"
    rb"[0-5][0-9][0-9]{3});ST=[0-9A-Za-z]{2};CN=([0-9]{4});PW=([^;,& ]*);MN=([0-9A-F]{24});"
    rb"Flag=([0-9]{1,3});CP=&&DataTime=([1-9][0-9]{13})((?:[;,][0-9A-Za-z]+-(?:(?:"
    + "|".join(sorted(NUMBER_SUFFIXES)).encode()
    + rb")=-?[0-9]{1,20}(?:\.[0-9]{1,20})?|Flag=[NFMSDCTB]))*)&&)([0-9A-F]{4})\r\n\Z")
_CODE: Final = re.compile(rb"[;,]([0-9A-Za-z]+)-")


class Route(NamedTuple):
    """What to do with one frame (a named tuple: built for every packet, so built cheaply)."""

    subject: str | None = None  # publish here (None: nothing to store)
    msg_id: str | None = None  # None with a subject: store without deduplication (quarantine)
    ack: bytes | None = None  # write after the log stored the packet
    reply_now: tuple[bytes, ...] = ()  # write at once (9013 + 1012)
    refused: str | None = None  # error code when refused
    detail: str = ""
    packet: Packet | None = None  # the decoded packet (None when ``scan_upload`` vouched for the frame)
    raw: bytes = b""  # the frame as received: what is published


def subject_token(text: str) -> str:
    """A NATS subject token for a region or MN: kept as is unless it holds ``. * >`` or blanks."""
    if text and not any(ch in text for ch in ".*> \t\r\n"):
        return text
    return quote(text, safe="").replace(".", "%2E") or "_"


@lru_cache(maxsize=65536)
def accepted_subject(region: str, mn: str) -> str:
    return f"hj212.{subject_token(region)}.{subject_token(mn)}"


def message_id(packet: Packet) -> str:
    """``MN|CN|DataTime|PNO``: the identity of an upload (issue 9 §1)."""
    stamp = builder.format_time(packet.data_time) if packet.data_time else ""
    return f"{packet.mn}|{packet.cn}|{stamp}|{packet.pno or 1}"


def refuse(raw: bytes, reason: str, detail: str = "", packet: Packet | None = None) -> Route:
    return Route(subject=f"{QUARANTINE_PREFIX}.{reason}", refused=reason, detail=detail, packet=packet,
                 raw=raw)


_UPLOAD_CNS: Final = frozenset(cn.encode() for cn in UPLOADS)
#: Flag texts the scan accepts → their value: ≤ 255, D bit clear (no split), a known version
_FLAGS: Final = {str(f).encode(): f for f in range(256) if not f & 2 and (f >> 2) in VERSIONS}
_KNOWN: set[bytes] = set()  # item codes already found to be 2017 codes of Appendix B


def _known_codes(codes: list[bytes]) -> bool:
    """Every code is a 2017 code of Appendix B: the decoder maps and reports nothing for them."""
    if _KNOWN.issuperset(codes):
        return True
    table = load_codes()
    if any(table.get(code.decode()) is None for code in codes):
        return False
    _KNOWN.update(codes)
    return True


def scan_upload(raw: bytes, sources: Mapping[str, SourceEntry]) -> Route | None:
    """The route of an accepted upload found without decoding; ``None``: decode it in full.

    Returns a route only when ``decode(raw)`` would give no error and no deviation, and the source
    is registered with this PW: the same subject, message id and 9014 as ``route`` by the decoder.
    """
    m = _UPLOAD.match(raw)
    if m is None or not raw.isascii():
        return None
    length, segment, qn, cn, pw, mn, flag_text, stamp, items, crc = m.groups()
    size = len(segment)
    if int(length) != size or size > MAX_DATA_LENGTH or int(crc, 16) != hj212_crc16(segment):
        return None
    flag = _FLAGS.get(flag_text, -1)
    if flag < 0 or cn not in _UPLOAD_CNS:
        return None
    mn_text, pw_text = mn.decode(), pw.decode()
    entry = sources.get(mn_text)
    if entry is None or entry.pw != pw_text:
        return None
    stamp_text = stamp.decode()
    if parse_time(stamp_text)[0] is None or not _known_codes(_CODE.findall(items)):
        return None
    ack = builder.reply("9014", qn=qn.decode(), pw=pw_text, mn=mn_text, flag=flag & ~0b11) if flag & 1 else None
    return Route(accepted_subject(entry.region, entry.mn), f"{mn_text}|{cn.decode()}|{stamp_text}|1", ack, (),
                 None, "", None, raw)


def route(raw: bytes, sources: Mapping[str, SourceEntry], now: dt.datetime | None = None, *,
          scan: bool = True) -> Route:
    """Decide what to do with one frame (``##`` to CR LF, as received); ``scan=False`` always
    decodes in full (the former path, kept to compare)."""
    if scan and (fast := scan_upload(raw, sources)) is not None:
        return fast
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
