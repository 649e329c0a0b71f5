"""Log records → lake rows (pure Python columns; pyarrow is applied by the writer).

One row per pollutant code in one upload, like the single-node ``monitoring_readings`` table, plus
what the lake needs to stand alone: the log position ``seq`` (names the files; the first record of
a key wins when the same upload was logged twice), the ``region`` and ``month`` it counts to, and
the upload's flow (``w00000`` for water codes, ``a00000`` for gas codes) copied onto each row, so
the accounting of HJ 212-2017 Appendix D (mass = concentration × flow) needs no join.

``month`` is the Beijing-time month of DataTime (the accounting period); ``data_time`` is stored
as a UTC instant.

The writers add integer copies of the strings the accounting groups and filters by
(``KEY_COLUMNS``), so that Spark compares and hashes integers instead of strings per row:
``mn_hi``/``mn_lo``, a standard MN's 24 hexadecimal digits (HJ 212-2017 Table 3: EPC-96, 96 bits) as
two 48-bit halves; ``code_id``, ``cn_id`` and ``flag_id``, the text's ASCII bytes in a BIGINT (every
Appendix B code has at most 6, a CN 4, a Table 8 flag 1); ``month_id``, YYYYMM. Each is an exact,
reversible encoding, not a hash, so no two outlets or codes can share a key. A value that has no
such encoding (a non-standard MN, a long or non-ASCII code) gets NULL, as do rows in files written
before these columns; the accounting then takes those rows by the strings.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Iterator
from typing import Final
from urllib.parse import unquote

from ecer.protocol.hj212.codec import Packet, decode
from ecer.scale.log.base import Record

FLOW_CODES: Final = {"w": "w00000", "a": "a00000"}  # Appendix B.1 污水 (L/s; m³), B.2 废气 (m³/s; m³)
VALUE_SUFFIXES: Final = {"Rtd": "rtd", "Min": "min", "Avg": "avg", "Max": "max", "Cou": "cou",
                         "ZsRtd": "zs_rtd", "ZsAvg": "zs_avg"}
COLUMNS: Final = ("seq", "mn", "region", "month", "cn", "data_time", "code", "rtd", "min", "avg", "max", "cou",
                  "zs_rtd", "zs_avg", "flag", "flow_avg", "flow_cou", "qn")

KEY_COLUMNS: Final = ("mn_hi", "mn_lo", "code_id", "month_id", "cn_id", "flag_id")
_HEX: Final = frozenset("0123456789ABCDEF")
_ASCII_BYTES: Final = 8


def mn_halves(mn: str) -> tuple[int, int] | None:
    """A standard MN (24 upper-case hexadecimal digits) as its first and last 48 bits; else None."""
    if len(mn) != 24 or not _HEX.issuperset(mn):
        return None
    return int(mn[:12], 16), int(mn[12:], 16)


def mn_of(hi: int, lo: int) -> str:
    """The MN of ``mn_halves``."""
    return f"{hi:012X}{lo:012X}"


def ascii_id(text: str) -> int | None:
    """A text of 1–8 ASCII characters (no NUL) as its bytes, big-endian and zero-padded; else None.

    The first byte is below 0x80, so the id is a positive BIGINT; texts sort as their ids do.
    """
    if not text.isascii() or not 0 < len(text) <= _ASCII_BYTES or "\0" in text:
        return None
    return int.from_bytes(text.encode("ascii").ljust(_ASCII_BYTES, b"\0"), "big")


def ascii_of(ident: int) -> str:
    """The text of ``ascii_id``."""
    return ident.to_bytes(_ASCII_BYTES, "big").rstrip(b"\0").decode("ascii")


def month_id(month: str) -> int | None:
    """``YYYY-MM`` → YYYYMM; None for any other text."""
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit() or not month.isascii():
        return None
    return int(month[:4]) * 100 + int(month[5:7])


def share_of(mn: str, members: int) -> int:
    """Which writer of ``members`` owns an outlet: CRC-32 of the MN, so every writer agrees."""
    return zlib.crc32(mn.encode("utf-8")) % members


def parse_subject(subject: str) -> tuple[str, str]:
    """``hj212.<region>.<MN>`` → (region, MN)."""
    _, region, mn = subject.split(".", 2)
    return unquote(region), unquote(mn)


def month_of(when: dt.datetime) -> str:
    """``YYYY-MM`` of the Beijing-time DataTime (the codec gives aware datetimes at +08:00)."""
    return f"{when.year:04d}-{when.month:02d}"


def packet_rows(seq: int, region: str, packet: Packet) -> Iterator[dict[str, object]]:
    """The rows of one decoded upload."""
    when = packet.data_time
    if when is None or packet.mn is None:
        return
    utc = when.astimezone(dt.UTC)
    month = month_of(when)
    for code, item in packet.values.items():
        flow = packet.values.get(FLOW_CODES.get(code[:1], ""), {})
        flag = item.get("Flag")
        row: dict[str, object] = {
            "seq": seq, "mn": packet.mn, "region": region, "month": month, "cn": packet.cn,
            "data_time": utc, "code": code, "flag": flag if isinstance(flag, str) else None,
            "flow_avg": _number(flow.get("Avg")), "flow_cou": _number(flow.get("Cou")), "qn": packet.qn,
        }
        for suffix, column in VALUE_SUFFIXES.items():
            row[column] = _number(item.get(suffix))
        yield row


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def record_rows(records: Iterable[Record], member: int = 0, members: int = 1) -> dict[str, list[object]]:
    """Columns for the records this writer owns (``share_of(MN) == member``)."""
    columns: dict[str, list[object]] = {name: [] for name in COLUMNS}
    for record in records:
        region, mn = parse_subject(record.subject)
        if members > 1 and share_of(mn, members) != member:
            continue
        for row in packet_rows(record.seq, region, decode(record.data)):
            for name in COLUMNS:
                columns[name].append(row[name])
    return columns
