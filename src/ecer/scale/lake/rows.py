"""Log records → lake rows (pure Python columns; pyarrow is applied by the writer).

One row per pollutant code in one upload, like the single-node ``monitoring_readings`` table, plus
what the lake needs to stand alone: the log position ``seq`` (names the files; the first record of
a key wins when the same upload was logged twice), the ``region`` and ``month`` it counts to, and
the upload's flow (``w00000`` for water codes, ``a00000`` for gas codes) copied onto each row, so
the accounting of HJ 212-2017 Appendix D (mass = concentration × flow) needs no join.

``month`` is the Beijing-time month of DataTime (the accounting period); ``data_time`` is stored
as a UTC instant.
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
