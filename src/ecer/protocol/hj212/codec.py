"""Decode one HJ 212 packet into a typed result; which device deviations are accepted is a parameter.

Packet layout (HJ 212-2017 §6.3.1 Table 2, §6.3.2 Table 3)::

    packet  = "##" length segment crc CR LF
    length  = 4DIGIT                      ; bytes in segment, e.g. "0101"
    segment = "QN=" qn ";ST=" st ";CN=" cn ";PW=" pw ";MN=" mn ";Flag=" flag
              [ ";PNUM=" pnum ";PNO=" pno ] ";CP=&&" area "&&"   ; 0..1024 bytes
    crc     = 4HEXDIG                     ; Appendix A over segment, high byte first

Length and CRC are checked over the bytes as received. The decoder never raises on bad input: every
problem becomes an error or a warning with a stable code from ``ecer.domain.errors``. A *deviation*
(a known way real devices or the standard's own examples depart from the text) is a warning when the
``Policy`` accepts it and an error otherwise, so the server can accept a deviation only for the
sources an operator allowed it for.

References
----------
.. [1] HJ 212-2017 污染物在线监控（监测）系统数据传输标准, §6.3, Table 3 (Flag bits V5..V0 D A), Appendix A.
.. [2] HJ/T 212-2005 (version bits 000000; no QN in uploads; 14-character MN; codes of Appendix B's 原编码).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Final

from ecer.domain.errors import ERRORS
from ecer.protocol.hj212 import crc as _crc
from ecer.protocol.hj212.codes import CodeTable, load_codes
from ecer.protocol.hj212.cp import parse_cp

MAX_DATA_LENGTH: Final = 1024  # HJ 212-2017 Table 2: data segment 0 ≤ n ≤ 1024 characters
HEADER_FIELDS: Final = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
VERSIONS: Final = {0: "2005", 1: "2017", 2: "2025"}  # Flag bits V5..V0 (Table 3); 2025 per issue 3
_HEX: Final = frozenset("0123456789ABCDEFabcdef")
_UPPER_HEX: Final = frozenset("0123456789ABCDEF")
#: The usual header: Table 3's fields in order, none missing or repeated, each already of the shape
#: its check wants (ASCII digits, 24 upper hex MN, no ``,`` or space, no ``&`` before ``CP=&&``).
#: ``_common_header`` then checks the rest (QN's field ranges, Flag ≤ 255 with a known version and
#: no D bit); anything else takes the general path, which finds and reports what is wrong.
_COMMON_HEADER: Final = re.compile(
    r"QN=([0-9]{17});ST=([0-9A-Za-z]{2});CN=([0-9]{4});PW=([^;,& ]*);MN=([0-9A-F]{24});Flag=([0-9]{1,3});CP=&&"
)

#: Every deviation the decoder recognises (each is also an error code in ``ecer.domain.errors``).
DEVIATIONS: Final = frozenset({
    "HJ212_CRC_LOWERCASE",
    "HJ212_CRC_MODBUS",
    "HJ212_CRC_MODBUS_SWAPPED",
    "HJ212_LENGTH_IN_CHARS",
    "HJ212_DATATIME_17_DIGITS",
    "HJ212_QN_EPOCH_MS",
    "HJ212_MN_NONSTANDARD",
    "HJ212_OLD_CODE",
    "HJ212_CODE_PREFIX_MISSING",
    "HJ212_COMMA_SEPARATOR",
    "HJ212_SEPARATOR_MISSING",
    "HJ212_WHITESPACE",
    "HJ212_INFO_GBK",
})


@dataclass(frozen=True)
class Policy:
    """Which deviations to accept, and the data-segment limit.

    ``Policy()`` accepts every known deviation (as warnings): right for a diagnostic decoder.
    ``Policy.strict()`` accepts none; a server builds one per source from what the operator allowed,
    e.g. ``Policy(accept=frozenset({"HJ212_CRC_MODBUS"}))``.
    """

    accept: frozenset[str] = DEVIATIONS
    accept_2005: bool = True
    max_data_length: int = MAX_DATA_LENGTH

    @classmethod
    def strict(cls) -> Policy:
        return cls(accept=frozenset())


LENIENT: Final = Policy()


@dataclass(frozen=True)
class Notice:
    """One error or warning: a stable code and its Chinese message."""

    code: str
    message: str

    @classmethod
    def of(cls, code: str, detail: str = "") -> Notice:
        text = ERRORS[code].message_zh
        return cls(code, f"{text}：{detail}" if detail else text)


@dataclass
class Packet:
    """A decoded packet; ``as_dict()`` gives the keys ``ecer hj212 decode`` prints, in order."""

    crc_ok: bool = False
    crc_received: str | None = None
    crc_expected: str | None = None
    crc_variant: _crc.CrcVariant | None = None
    length_ok: bool = False
    version: str | None = None
    qn: str | None = None
    st: str | None = None
    cn: str | None = None
    pw: str | None = None
    mn: str | None = None
    flag: int | None = None
    ack_requested: bool = False
    pnum: int | None = None
    pno: int | None = None
    data_time: dt.datetime | None = None
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    cp: dict[str, object] = field(default_factory=dict)
    errors: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    raw: bytes = b""
    declared_length: int | None = None
    data_length: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: times as ISO 8601 with +08:00, notices as ``{code, message}``."""
        return {
            "ok": self.ok,
            "crc_ok": self.crc_ok,
            "crc_received": self.crc_received,
            "crc_expected": self.crc_expected,
            "crc_variant": self.crc_variant,
            "length_ok": self.length_ok,
            "version": self.version,
            "qn": self.qn,
            "st": self.st,
            "cn": self.cn,
            "pw": self.pw,
            "mn": self.mn,
            "flag": self.flag,
            "ack_requested": self.ack_requested,
            "pnum": self.pnum,
            "pno": self.pno,
            "data_time": _iso(self.data_time),
            "values": {k: {s: _iso(v) for s, v in item.items()} for k, item in self.values.items()},
            "cp": {k: _iso(v) for k, v in self.cp.items()},
            "errors": [{"code": n.code, "message": n.message} for n in self.errors],
            "warnings": [{"code": n.code, "message": n.message} for n in self.warnings],
        }


def _iso(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return value


class _Report:
    """Collects problems while decoding, then routes deviations through the policy."""

    __slots__ = ("deviations", "errors", "warnings")

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.warnings: list[tuple[str, str]] = []
        self.deviations: list[tuple[str, str]] = []

    def finish(self, packet: Packet, policy: Policy) -> Packet:
        if not (self.errors or self.warnings or self.deviations):
            return packet  # a clean packet keeps the empty lists it was made with
        errors = [Notice.of(c, d) for c, d in self.errors]
        warnings = [Notice.of(c, d) for c, d in self.warnings]
        for code, detail in self.deviations:
            if code in policy.accept:
                warnings.append(Notice.of(code, detail))
            else:
                errors.append(Notice.of(code, (detail + "；" if detail else "") + "该数据源未允许此偏差"))
        packet.errors, packet.warnings = errors, warnings
        return packet


def decode(raw: bytes, policy: Policy = LENIENT, codes: CodeTable | None = None) -> Packet:
    """Decode one packet, ``##`` to CR LF, as received.

    Parameters
    ----------
    raw : bytes
        The whole packet including ``##`` and the trailing CR LF.
    policy : Policy
        Which deviations count as warnings rather than errors; the default accepts all of them.
    codes : CodeTable, optional
        Appendix B; defaults to the table shipped with ECER.

    Returns
    -------
    Packet
        Never raises for bad input: ``packet.ok`` is false and ``packet.errors`` says why. A refused
        packet (over-long, wrong length) still carries its CRC verdict, variant and length check.
    """
    report = _Report()
    packet = Packet(raw=raw)
    if raw[-2:] == b"\r\n":
        body = raw[:-2]
    else:
        report.errors.append(("HJ212_NO_TRAILER", ""))
        body = raw.rstrip(b"\r\n")
    if body[:2] != b"##":
        report.errors.append(("HJ212_NO_HEADER", ""))
        return report.finish(packet, policy)
    if len(body) < 10:
        report.errors.append(("HJ212_TRUNCATED", f"{len(raw)} 字节"))
        return report.finish(packet, policy)
    segment = body[6:-4]
    check_frame(packet, body[2:6], segment, body[-4:], policy, report)
    try:
        text, escaped = segment.decode("utf-8"), False
    except UnicodeDecodeError:
        # non-UTF-8 bytes survive as surrogates: -Info text is re-read as GBK, elsewhere it is an error
        text, escaped = segment.decode("utf-8", "surrogateescape"), True
    parse_segment(packet, text, codes or load_codes(), report, escaped)
    return report.finish(packet, policy)


def check_frame(packet: Packet, length_field: bytes, segment: bytes, crc_field: bytes,
                policy: Policy, report: _Report) -> None:
    """Length and CRC checks over the raw bytes (Table 2; Appendix A)."""
    size = len(segment)
    packet.data_length = size
    if length_field.isdigit():
        declared = packet.declared_length = int(length_field)
        packet.length_ok = declared == size
        if not packet.length_ok:
            chars = len(segment.decode("utf-8", "replace"))
            if chars == declared and chars != size:
                report.deviations.append(("HJ212_LENGTH_IN_CHARS", f"声明 {declared}，实为 {size} 字节"))
            else:
                report.errors.append(("HJ212_LENGTH_MISMATCH", f"声明 {declared}，实为 {size} 字节"))
    else:
        report.errors.append(("HJ212_LENGTH_FIELD", length_field.decode("ascii", "replace")))
    if size > policy.max_data_length:
        report.errors.append(("HJ212_TOO_LONG", f"{size} 字节"))
    expected = _crc.hj212_crc16(segment)
    received = crc_field.decode("ascii", "replace")
    report_crc(packet, received, expected, segment, report)


def report_crc(packet: Packet, received: str, expected: int, segment: bytes | None,
               report: _Report, modbus: int | None = None) -> None:
    """Set the CRC verdict; ``modbus`` may be given when ``segment`` is no longer at hand."""
    packet.crc_received = received
    packet.crc_expected = _crc.format_crc(expected)
    if len(received) != 4 or not _HEX.issuperset(received):
        report.errors.append(("HJ212_CRC_MALFORMED", received))
        return
    value = int(received, 16)
    if value == expected:
        variant: _crc.CrcVariant | None = "hj212"
    else:
        if modbus is None and segment is not None:
            modbus = _crc.modbus_crc16(segment)
        if value == modbus:
            variant = "modbus"
        elif modbus is not None and value == _crc.swap_bytes(modbus):
            variant = "modbus-swapped"
        else:
            variant = None
    packet.crc_variant = variant
    packet.crc_ok = variant == "hj212"
    if not _UPPER_HEX.issuperset(received):
        report.deviations.append(("HJ212_CRC_LOWERCASE", received))
    if variant == "modbus":
        report.deviations.append(("HJ212_CRC_MODBUS", f"收到 {received}，附录 A 应为 {packet.crc_expected}"))
    elif variant == "modbus-swapped":
        report.deviations.append(("HJ212_CRC_MODBUS_SWAPPED", f"收到 {received}，附录 A 应为 {packet.crc_expected}"))
    elif variant is None:
        report.errors.append(("HJ212_CRC_MISMATCH", f"收到 {received}，附录 A 应为 {packet.crc_expected}"))


def parse_segment(packet: Packet, text: str, codes: CodeTable, report: _Report, escaped: bool = False) -> None:
    """Fields of the data segment (Table 3) and the CP data area (§6.3.3)."""
    common = _COMMON_HEADER.match(text)
    if common is not None and _common_header(packet, common):
        area: str | None = _area(text[common.end():], report)
    else:
        area = _general_header(packet, text, report)
    if area is None:
        return
    result = parse_cp(area, codes, version=packet.version, st=packet.st)
    packet.values, packet.cp, packet.data_time = result.values, result.fields, result.data_time
    if result.errors or result.warnings or result.deviations:
        report.errors.extend((c, _printable(d)) for c, d in result.errors)
        report.warnings.extend((c, _printable(d)) for c, d in result.warnings)
        report.deviations.extend((c, _printable(d)) for c, d in result.deviations)
    if escaped:
        _repair_text(packet, report)


def _area(tail: str, report: _Report) -> str:
    """The data area from what follows ``CP=&&``: up to the closing ``&&``."""
    if tail.endswith("&&"):
        return tail[:-2]
    report.errors.append(("HJ212_CP_MALFORMED", "CP 不以 && 结尾"))
    return tail


def _common_header(packet: Packet, match: re.Match[str]) -> bool:
    """Take a header matched by ``_COMMON_HEADER`` when it passes the checks the shape leaves open.

    Returns false, having set nothing, when ``_check_header`` would have something to report.
    """
    qn, st, cn, pw, mn, flag_text = match.groups()
    flag = int(flag_text)
    version = VERSIONS.get(flag >> 2) if flag <= 255 else None
    if version is None or flag & 2 or not _plausible_timestamp(qn):
        return False
    packet.qn, packet.st, packet.cn, packet.pw, packet.mn = qn, st, cn, pw, mn
    packet.flag, packet.ack_requested, packet.version = flag, bool(flag & 1), version
    return True


def _general_header(packet: Packet, text: str, report: _Report) -> str | None:
    """Any header: split, checked field by field; returns the data area (``None`` without ``CP=&&``)."""
    start = text.find("CP=&&")
    if start < 0:
        report.errors.append(("HJ212_CP_MALFORMED", "缺少 CP=&&"))
        header, area = text, None
    else:
        header = text[:start]
        area = _area(text[start + 5:], report)
        if header.endswith(";"):
            header = header[:-1]
        elif header:
            report.deviations.append(("HJ212_SEPARATOR_MISSING", header[-12:] + "CP=&&"))
    _check_header(packet, _header_fields(header, report), report)
    return area


def _repair_text(packet: Packet, report: _Report) -> None:
    """Non-UTF-8 bytes outside -Info text: an error, and the text shown with escapes."""
    bad: list[str] = []
    for name in ("qn", "st", "cn", "pw", "mn"):
        value = getattr(packet, name)
        if value is not None and _has_surrogate(value):
            bad.append(name.upper())
            setattr(packet, name, _printable(value))
    for key, value in list(packet.cp.items()):
        if isinstance(value, str) and _has_surrogate(value):
            bad.append(key)
            packet.cp[key] = _printable(value)
    for code, item in packet.values.items():
        for suffix, value in list(item.items()):
            if isinstance(value, str) and _has_surrogate(value):
                bad.append(f"{code}-{suffix}")
                item[suffix] = _printable(value)
    if bad:
        report.errors.append(("HJ212_NOT_TEXT", "、".join(bad)))


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text)


def _header_fields(header: str, report: _Report) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in header.split(";"):
        if "," in part:  # "QN=20160801085857534,ST=32" in Appendix C.22 and C.48
            report.deviations.append(("HJ212_COMMA_SEPARATOR", part))
            pieces = part.split(",")
        else:
            pieces = [part]
        for piece in pieces:
            key, sep, value = piece.partition("=")
            if " " in piece:
                report.deviations.append(("HJ212_WHITESPACE", piece.strip()))
                key, value = key.strip(), value.strip()
            if not sep:
                if piece.strip():
                    report.errors.append(("HJ212_FIELD_INVALID", _printable(piece)))
                continue
            if key in fields or key not in HEADER_FIELDS:
                report.warnings.append(("HJ212_FIELD_UNKNOWN", _printable(piece)))
                if key in fields:
                    continue
            fields[key] = value
    return fields


def _check_header(packet: Packet, fields: dict[str, str], report: _Report) -> None:
    flag_text = fields.get("Flag")
    if flag_text is None:
        packet.version = "2005"  # no Flag field: an HJ/T 212-2005-style packet
    elif flag_text.isdigit() and flag_text.isascii() and int(flag_text) <= 255:
        flag = packet.flag = int(flag_text)
        packet.ack_requested = bool(flag & 1)
        packet.version = VERSIONS.get(flag >> 2)
        if packet.version is None:
            report.warnings.append(("HJ212_VERSION_UNKNOWN", f"Flag={flag}，版本位 {flag >> 2}"))
    else:
        report.errors.append(("HJ212_FIELD_INVALID", f"Flag={_printable(flag_text)}"))
    for name in ("ST", "CN", "PW", "MN"):
        if name not in fields:
            report.errors.append(("HJ212_FIELD_MISSING", name))
    qn = packet.qn = fields.get("QN")
    st = packet.st = fields.get("ST")
    cn = packet.cn = fields.get("CN")
    packet.pw = fields.get("PW")
    mn = packet.mn = fields.get("MN")
    if qn is None:
        if packet.version not in ("2005", None):
            report.errors.append(("HJ212_FIELD_MISSING", "QN"))
    elif len(qn) == 13 and qn.isdigit():
        report.deviations.append(("HJ212_QN_EPOCH_MS", qn))
    elif len(qn) != 17 or not _plausible_timestamp(qn):
        report.errors.append(("HJ212_FIELD_INVALID", f"QN={_printable(qn)}"))
    if st is not None and (len(st) != 2 or not st.isalnum() or not st.isascii()):
        report.errors.append(("HJ212_FIELD_INVALID", f"ST={_printable(st)}"))
    if cn is not None and (len(cn) != 4 or not cn.isdigit() or not cn.isascii()):
        report.errors.append(("HJ212_FIELD_INVALID", f"CN={_printable(cn)}"))
    if mn is not None and not (len(mn) == 24 and _UPPER_HEX.issuperset(mn)):
        if not (packet.version == "2005" and len(mn) == 14 and mn.isalnum() and mn.isascii()):
            report.deviations.append(("HJ212_MN_NONSTANDARD", f"{_printable(mn)}（{len(mn)} 位）"))
    _packet_numbers(packet, fields, report)


def _plausible_timestamp(qn: str) -> bool:
    """QN = YYYYMMDDhhmmsszzz (Table 3); field ranges checked without building a datetime."""
    return (qn.isdigit() and qn.isascii() and "01" <= qn[4:6] <= "12" and "01" <= qn[6:8] <= "31"
            and qn[8:10] < "24" and qn[10:12] < "60" and qn[12:14] < "60")


def _packet_numbers(packet: Packet, fields: dict[str, str], report: _Report) -> None:
    """PNUM/PNO: required when Flag's D bit is set (Table 3), 1 ≤ PNO ≤ PNUM."""
    split = packet.flag is not None and bool(packet.flag & 2)
    for name in ("PNUM", "PNO"):
        text = fields.get(name)
        if text is None:
            if split:
                report.errors.append(("HJ212_PACKET_NUMBER", f"Flag={packet.flag} 但缺少 {name}"))
            continue
        if text.isdigit() and text.isascii():
            setattr(packet, name.lower(), int(text))
        else:
            report.errors.append(("HJ212_PACKET_NUMBER", f"{name}={_printable(text)}"))
    if packet.pnum is not None and packet.pno is not None and not 1 <= packet.pno <= packet.pnum:
        report.errors.append(("HJ212_PACKET_NUMBER", f"PNO={packet.pno}，PNUM={packet.pnum}"))


def decode_oversize(prefix: bytes, declared: bytes, data_length: int, crc_field: bytes, crc_hj212: int,
                    crc_modbus: int, policy: Policy = LENIENT) -> Packet:
    """Report a frame the framer refused for length without keeping its bytes.

    ``prefix`` is the start of the data segment (the header fields are read from it when the whole
    header is there); the CRC values were computed by the framer as the bytes streamed past.
    """
    report = _Report()
    packet = Packet(raw=b"##" + declared + prefix)
    packet.data_length = data_length
    if declared.isdigit():
        packet.declared_length = int(declared)
        packet.length_ok = packet.declared_length == data_length
        if not packet.length_ok:
            report.errors.append(("HJ212_LENGTH_MISMATCH", f"声明 {int(declared)}，实为 {data_length} 字节"))
    else:
        report.errors.append(("HJ212_LENGTH_FIELD", declared.decode("ascii", "replace")))
    report.errors.append(("HJ212_TOO_LONG", f"{data_length} 字节"))
    report_crc(packet, crc_field.decode("ascii", "replace"), crc_hj212, None, report, modbus=crc_modbus)
    text = prefix.decode("utf-8", "replace")
    end = text.find(";CP=&&")
    if end >= 0:
        _check_header(packet, _header_fields(text[:end], report), report)
    return report.finish(packet, policy)


def blank(raw: bytes, code: str, detail: str = "") -> Packet:
    """An all-null result carrying one error, for input that is no packet at all (garbage, EOF)."""
    packet = Packet(raw=raw)
    packet.errors = [Notice.of(code, detail)]
    return packet
