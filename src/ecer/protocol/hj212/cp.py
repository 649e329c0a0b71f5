"""The CP data area: ``CP=&&item;item,item&&`` into values keyed by 2017 code and plain fields.

Grammar (HJ 212-2017 §6.3.3.1 and Table 4)::

    area   = [ group *( ";" group ) ]          ; different items are separated by ";"
    group  = item *( "," item )                ; values of the same item by ","
    item   = field "=" value
    field  = name | code "-" suffix            ; DataTime, PolId … | w01018-Rtd, SB1-RS, i11001-Info
    value  = text | "//" log-text "//"         ; -Info logs sit between "//" (Table B.10, C.40)

A parsed value lands in ``values[code][suffix]`` (numbers as ``float``, flags and ids as ``str``,
``SampleTime`` as an aware ``datetime``); other fields land in ``fields``.

References
----------
.. [1] HJ 212-2017, §6.3.3 数据区, Table 4 字段对照表, Table 8 数据标记表, Appendix C.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from ecer.protocol.hj212.codes import CodeTable

CST: Final = dt.timezone(dt.timedelta(hours=8), "CST")  # Beijing time: packets carry local time, no zone

#: Suffixes whose value is a number (Table 4): concentrations, their O2-converted (Zs) forms, totals,
#: the run time of treatment equipment (SBn-RT, N2.2 hours) and noise levels.
NUMBER_SUFFIXES: Final = frozenset(
    {"Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "RT", "Data", "DayData", "NightData"}
)
INTEGER_SUFFIXES: Final = frozenset({"RS"})  # SBn-RS: 0 off 1 running 2 calibrating 3 maintenance 4 alarm 5 blowback
TEXT_SUFFIXES: Final = frozenset({"EFlag", "SN"})
TIME_SUFFIXES: Final = frozenset({"SampleTime"})
DATA_FLAGS: Final = frozenset("NFMSDCTB")  # Table 8
#: Table 4 fields with integer values; the rest of the plain fields stay text, times become datetimes.
INTEGER_FIELDS: Final = frozenset(
    {"QnRtn", "ExeRtn", "RtdInterval", "MinInterval", "OverTime", "ReCount", "VaseNo", "Ctime", "CTime", "Stime"}
)
TIME_FIELDS: Final = frozenset({"SystemTime", "RestartTime", "BeginTime", "EndTime", "DataTime"})
WATER_SYSTEMS: Final = frozenset({"21", "24", "26", "32", "33", "34", "52"})  # Table 5: water systems


@lru_cache(maxsize=4096)  # uploads of one minute share their DataTime: parse it once
def parse_time(text: str) -> tuple[dt.datetime | None, bool]:
    """``YYYYMMDDhhmmss`` (or the 17-digit form with milliseconds) as Beijing time.

    Returns the datetime (``None`` when invalid) and whether the 17-digit deviation was used.
    """
    n = len(text)
    if (n != 14 and n != 17) or not text.isdigit() or not text.isascii():
        return None, False
    try:
        value = dt.datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]),
            int(text[8:10]), int(text[10:12]), int(text[12:14]),
            int(text[14:17]) * 1000 if n == 17 else 0, CST,
        )
    except ValueError:
        return None, False
    return value, n == 17


def parse_number(text: str) -> float | None:
    """N14.2-style decimal text (§6.3.3.2.2) as a float; ``None`` for anything else (nan, inf, 1_0)."""
    try:
        value = float(text)
    except ValueError:
        return None
    if "_" in text or math.isinf(value) or value != value:
        return None
    return value


@dataclass
class CpResult:
    """What the data area holds, and what was wrong with it (``(code, detail)`` pairs)."""

    values: dict[str, dict[str, object]] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)
    data_time: dt.datetime | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    deviations: list[tuple[str, str]] = field(default_factory=list)


def split_items(area: str) -> list[str]:
    """Items of the data area, honouring ``//…//`` log text that may hold ``;`` ``,`` or ``=``."""
    if "//" not in area:
        return area.replace(",", ";").split(";")
    items: list[str] = []
    start = i = 0
    n = len(area)
    while i < n:
        ch = area[i]
        if ch == "/" and area.startswith("=//", i - 1):
            close = area.find("//", i + 2)
            i = n if close < 0 else close + 2
            continue
        if ch == ";" or ch == ",":
            items.append(area[start:i])
            start = i + 1
        i += 1
    items.append(area[start:])
    return items


def _info_value(raw: str, result: CpResult, key: str) -> object:
    """-Info: a number when it is one, else log text with its ``//`` delimiters removed."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # bytes that were not UTF-8 (surrogateescape)
        data = raw.encode("utf-8", "surrogateescape")
        try:
            raw = data.decode("gbk")
            result.deviations.append(("HJ212_INFO_GBK", key))
        except UnicodeDecodeError:
            raw = data.decode("utf-8", "replace")
            result.errors.append(("HJ212_NOT_TEXT", key))
    if raw.startswith("//") and raw.endswith("//") and len(raw) >= 4:
        return raw[2:-2]
    number = parse_number(raw)
    return raw if number is None else number


def _map_code(code: str, codes: CodeTable, version: str | None, st: str | None,
              result: CpResult) -> tuple[str, str | None]:
    """The 2017 code for ``code`` and the 2005 code it came from (``None`` when not mapped)."""
    if codes.get(code) is not None:
        return code, None
    new = codes.from_old(code)
    if new is not None:
        if version != "2005":
            result.deviations.append(("HJ212_OLD_CODE", f"{code} → {new}"))
        return new, code
    if len(code) == 5 and code.isdigit():  # "01018-Rtd" in Appendix C.14: the letter is missing
        water, air = "w" + code, "a" + code
        candidates = [c for c in (water, air) if codes.get(c) is not None]
        if len(candidates) == 2:
            candidates = [water if st in WATER_SYSTEMS else air]
        if candidates:
            result.deviations.append(("HJ212_CODE_PREFIX_MISSING", f"{code} → {candidates[0]}"))
            return candidates[0], None
    if version == "2005" and not code.startswith("SB"):
        result.warnings.append(("HJ212_CODE_UNMAPPED", code))
    return code, None


def parse_cp(area: str, codes: CodeTable, *, version: str | None = "2017", st: str | None = None) -> CpResult:
    """Parse the text between ``CP=&&`` and the closing ``&&``.

    Parameters
    ----------
    area : str
        The data area without its ``&&`` delimiters.
    codes : CodeTable
        Appendix B, for mapping 2005 codes and repairing codes that lost their letter.
    version : {"2005", "2017", "2025"} or None
        From the Flag bits; 2005 codes in a 2005 packet are expected, elsewhere a deviation.
    st : str or None
        System code (Table 5), to choose ``w`` or ``a`` for a code printed without its letter.
    """
    result = CpResult()
    values = result.values
    mapped: dict[str, tuple[str, str | None]] = {}
    spaced, underscored = " " in area, "_" in area  # rare: checked per item only when present
    for item in split_items(area):
        if not item:
            continue
        key, sep, raw = item.partition("=")
        if spaced and " " in item:  # "CP=&& PolId=…" (C.4), "LA -Rtd", "i12003-Info =0" (C.42)
            clean_key, clean_raw = key.replace(" ", ""), raw.strip()
            if clean_key != key or clean_raw != raw:
                result.deviations.append(("HJ212_WHITESPACE", item.strip()))
            key, raw = clean_key, clean_raw
        if not sep or not key:
            if item.strip():
                result.errors.append(("HJ212_CP_ITEM_INVALID", item))
            continue
        code, dash, suffix = key.partition("-")
        if not dash:
            _plain_field(key, raw, result)
            continue
        if code in mapped:
            new, source = mapped[code]
        elif codes.get(code) is not None:  # a 2017 code: nothing to map, nothing to report
            new, source = mapped[code] = code, None
        else:
            new, source = mapped[code] = _map_code(code, codes, version, st, result)
        entry = values.get(new)
        if entry is None:
            entry = values[new] = {}
            if source is not None:
                entry["source_code"] = source
        if suffix in entry:
            result.warnings.append(("HJ212_CP_DUPLICATE", key))
        if suffix in NUMBER_SUFFIXES and not (underscored and "_" in raw):  # hot path: N14.2 decimal text
            try:
                number = float(raw)
            except ValueError:
                pass
            else:
                if number - number == 0:  # not nan, not ±inf
                    entry[suffix] = number
                    continue
        elif suffix == "Flag" and raw in DATA_FLAGS:  # hot path: a Table 8 flag
            entry[suffix] = raw
            continue
        entry[suffix] = _suffix_value(suffix, raw, key, result)
    return result


def _suffix_value(suffix: str, raw: str, key: str, result: CpResult) -> object:
    if suffix in NUMBER_SUFFIXES:
        number = parse_number(raw)
        if number is None:
            result.errors.append(("HJ212_VALUE_INVALID", f"{key}={raw}"))
            return raw
        return number
    if suffix == "Flag":
        if raw not in DATA_FLAGS:
            result.warnings.append(("HJ212_DATA_FLAG_UNKNOWN", f"{key}={raw}"))
        return raw
    if suffix in INTEGER_SUFFIXES:
        if raw.isdigit() and raw.isascii():
            return int(raw)
        result.errors.append(("HJ212_VALUE_INVALID", f"{key}={raw}"))
        return raw
    if suffix == "Info":
        return _info_value(raw, result, key)
    if suffix in TEXT_SUFFIXES:
        return raw
    if suffix in TIME_SUFFIXES:
        value, long_form = parse_time(raw)
        if value is None:
            result.errors.append(("HJ212_TIME_INVALID", f"{key}={raw}"))
            return raw
        if long_form:
            result.deviations.append(("HJ212_DATATIME_17_DIGITS", key))
        return value
    result.warnings.append(("HJ212_FIELD_UNKNOWN", key))
    return raw


def _plain_field(key: str, raw: str, result: CpResult) -> None:
    if key in TIME_FIELDS:
        value, long_form = parse_time(raw)
        if value is None:
            result.errors.append(("HJ212_TIME_INVALID", f"{key}={raw}"))
            result.fields[key] = raw
            return
        if long_form:
            result.deviations.append(("HJ212_DATATIME_17_DIGITS", key))
        if key == "DataTime":
            result.data_time = value
        else:
            result.fields[key] = value
        return
    if key in INTEGER_FIELDS and raw.isdigit() and raw.isascii():
        result.fields[key] = int(raw)
        return
    result.fields[key] = raw
