"""Build packets: uploads for the simulator and the platform's replies (9014, 9013, 1012).

Every builder returns the complete packet as bytes, ``##`` to CR LF, with the length and the
Appendix A CRC computed over the encoded data segment.

References
----------
.. [1] HJ 212-2017, §6.3 (layout), Table 3 (Flag bits), Appendix C tables C.3 (1012), C.4 (1013 → 9013),
   C.14–C.19 (uploads → 9014).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Final

from ecer.protocol.hj212.codec import MAX_DATA_LENGTH, Packet
from ecer.protocol.hj212.cp import CST
from ecer.protocol.hj212.crc import ConstantTail, hj212_crc16

VERSION_BITS: Final = {"2005": 0, "2017": 1, "2025": 2}


class BuildError(ValueError):
    """The packet asked for cannot be built (over-long segment, bad field)."""


def format_time(value: dt.datetime) -> str:
    """``YYYYMMDDhhmmss`` in Beijing time (naive datetimes are taken as Beijing time)."""
    if value.tzinfo is not None:
        value = value.astimezone(CST)
    return value.strftime("%Y%m%d%H%M%S")


def make_qn(value: dt.datetime) -> str:
    """QN: ``YYYYMMDDhhmmsszzz``, the request time to the millisecond (Table 3)."""
    if value.tzinfo is not None:
        value = value.astimezone(CST)
    return value.strftime("%Y%m%d%H%M%S") + f"{value.microsecond // 1000:03d}"


def make_flag(version: str = "2017", *, ack: bool = False, split: bool = False) -> int:
    """Flag = V5..V0 D A (Table 3): ``make_flag("2017", ack=True)`` is 5, with ``split=True`` 7."""
    return VERSION_BITS[version] << 2 | (2 if split else 0) | (1 if ack else 0)


def _format_value(value: object) -> str:
    if isinstance(value, bool):
        raise BuildError("布尔值不能写入 CP")
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, float):
        text = repr(value)  # shortest text that reads back as the same float
        return format(Decimal(text), "f") if "e" in text else text  # no exponents in N14.2 (§6.3.3.2.2)
    return str(value)


def cp_area(values: Mapping[str, Mapping[str, object]] | None = None,
            fields: Mapping[str, object] | None = None,
            data_time: dt.datetime | None = None) -> str:
    """The CP data area: ``DataTime`` first, other fields, then one ``;`` group per code.

    ``values`` is keyed like ``Packet.values``: ``{"w01018": {"Rtd": 2.2, "Flag": "N"}}``; a
    ``source_code`` entry is dropped (it records a mapping, it is not sent).
    """
    groups: list[str] = []
    if data_time is not None:
        groups.append("DataTime=" + format_time(data_time))
    for key, value in (fields or {}).items():
        groups.append(f"{key}={_format_value(value)}")
    for code, item in (values or {}).items():
        parts = [
            f"{code}-{suffix}=" + (f"//{value}//" if suffix == "Info" and isinstance(value, str) else _format_value(value))
            for suffix, value in item.items()
            if suffix != "source_code"
        ]
        if parts:
            groups.append(",".join(parts))
    return ";".join(groups)


def data_segment(*, st: str, cn: str, pw: str, mn: str, cp: str = "", qn: str | None = None,
                 flag: int | None = None, pnum: int | None = None, pno: int | None = None) -> str:
    """``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…[;PNUM=…;PNO=…];CP=&&…&&``; ``None`` fields are left out."""
    parts = [] if qn is None else [f"QN={qn}"]
    parts += [f"ST={st}", f"CN={cn}", f"PW={pw}", f"MN={mn}"]
    if flag is not None:
        parts.append(f"Flag={flag}")
    if pnum is not None:
        parts.append(f"PNUM={pnum}")
    if pno is not None:
        parts.append(f"PNO={pno}")
    parts.append(f"CP=&&{cp}&&")
    return ";".join(parts)


def frame(segment: str | bytes, *, max_data_length: int = MAX_DATA_LENGTH) -> bytes:
    """Wrap a data segment: ``##`` + 4-digit length + segment + CRC (uppercase) + CR LF."""
    data = segment.encode("utf-8") if isinstance(segment, str) else segment
    if len(data) > max_data_length:
        raise BuildError(f"数据段 {len(data)} 字节，超过 {max_data_length}")
    return b"##%04d%s%04X\r\n" % (len(data), data, hj212_crc16(data))


def build(*, st: str, cn: str, pw: str, mn: str, qn: str | None = None, flag: int | None = None,
          pnum: int | None = None, pno: int | None = None, cp: str | None = None,
          values: Mapping[str, Mapping[str, object]] | None = None,
          fields: Mapping[str, object] | None = None, data_time: dt.datetime | None = None) -> bytes:
    """A complete packet from its fields; ``cp`` (raw area text) wins over values/fields/data_time."""
    area = cp if cp is not None else cp_area(values, fields, data_time)
    return frame(data_segment(st=st, cn=cn, pw=pw, mn=mn, cp=area, qn=qn, flag=flag, pnum=pnum, pno=pno))


def _reply_flag(packet: Packet) -> int | None:
    """The sender's version bits with D = A = 0 (C.14: an upload with Flag=5 is answered with Flag=4)."""
    return None if packet.flag is None else packet.flag & ~0b11


def data_ack(packet: Packet) -> bytes:
    """9014 数据应答 for an upload: ST=91, the upload's QN, PW and MN, ``CP=&&&&`` (C.14, C.48, C.50)."""
    return _reply(packet, "9014")


def notify_ack(packet: Packet) -> bytes:
    """9013 通知应答 for a notification such as 1013 (C.4): ST=91, same QN, ``CP=&&&&``."""
    return _reply(packet, "9013")


def _reply(packet: Packet, cn: str) -> bytes:
    """What ``build`` makes of the reply, without rebuilding the part after QN for every packet.

    A source's replies differ only in QN, which comes first: the rest of the segment and its share
    of the CRC are cached per source (``_reply_tail``), leaving the CRC of ``QN=…`` to compute.
    """
    return reply(cn, qn=packet.qn, pw=packet.pw or "", mn=packet.mn or "", flag=_reply_flag(packet))


def reply(cn: str, *, qn: str | None, pw: str, mn: str, flag: int | None) -> bytes:
    """A platform reply (ST=91, ``CP=&&&&``) from the request's fields, for callers that did not decode
    it (the scale gateway's header scan); ``flag`` already has D = A = 0."""
    if qn is not None and flag is not None:
        tail = _reply_tail(cn, pw, mn, flag)
        head = b"QN=" + qn.encode("utf-8")
        size = len(head) + len(tail.tail)
        if size <= MAX_DATA_LENGTH:
            return b"##%04d%s%s%04X\r\n" % (size, head, tail.tail, tail.after(hj212_crc16(head)))
    return build(st="91", cn=cn, pw=pw, mn=mn, qn=qn, flag=flag, cp="")  # also raises what build raises


@lru_cache(maxsize=4096)
def _reply_tail(cn: str, pw: str, mn: str, flag: int) -> ConstantTail:
    return ConstantTail(f";ST=91;CN={cn};PW={pw};MN={mn};Flag={flag};CP=&&&&".encode())


def set_time(*, st: str, pw: str, mn: str, system_time: dt.datetime, qn: str | None = None,
             pol_id: str | None = None, version: str = "2017", ack: bool = True) -> bytes:
    """1012 设置现场机时间 (C.3): ``CP=&&[PolId=…;]SystemTime=YYYYMMDDhhmmss&&``."""
    fields: dict[str, object] = {} if pol_id is None else {"PolId": pol_id}
    fields["SystemTime"] = system_time
    return build(st=st, cn="1012", pw=pw, mn=mn, qn=qn or make_qn(dt.datetime.now(CST)),
                 flag=make_flag(version, ack=ack), fields=fields)
