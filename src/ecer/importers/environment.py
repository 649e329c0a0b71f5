"""Environmental-quality workbooks: the station registry, air concentrations and water samples.

Each reader checks the whole file and collects every problem with its file, sheet, row and column
before anything is written (issue 8 §1). A blank concentration cell means "not measured"; a row
flagged with an HJ 212-2017 Table 8 letter other than N is kept as invalid, never dropped or filled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecer.domain.environment.daily import DAILY_KEYS
from ecer.domain.environment.reference import water_limits
from ecer.domain.environment.water import CLASS_ORDER, parameters
from ecer.domain.errors import EcerError, Problem
from ecer.importers.cells import RowCells, rows_of
from ecer.importers.tabular import (
    Column,
    RawTable,
    cell_text,
    map_headers,
    read_table,
)

MEDIA = {"air": "air", "空气": "air", "环境空气": "air", "water": "water", "地表水": "water", "水": "water"}
WATER_KINDS = {"river": "river", "河流": "river", "lake": "lake", "湖库": "lake", "湖泊": "lake", "水库": "lake"}
DATA_FLAGS = frozenset("NFMSDCTB")  # HJ 212-2017 表8 数据标记; only N (正常) counts
AIR_UNITS = {"CO": "mg/m³"}



def _water_headers() -> dict[str, str]:
    """Parameter code → Chinese header with its unit, in GB 3838-2002 表1 order."""
    headers: dict[str, str] = {}
    for row in water_limits():
        name = {"Cr6": "六价铬"}.get(row.code, row.name_zh.split("（")[0])
        unit = {"1": "", "1/L": "(个/L)"}.get(row.unit, f"({row.unit})")
        headers.setdefault(row.code, name + unit)
    return headers


STATION_COLUMNS = (
    Column("code", "站点编码", True, note_zh="空气站点或水质断面的唯一编码"),
    Column("name", "名称", True),
    Column("medium", "类型", True, note_zh="air（空气）或 water（地表水）"),
    Column("region", "所属地区", True, note_zh="规划中的地区名称或行政区划代码"),
    Column("water_kind", "水体类型", False, note_zh="断面必填：river（河流）或 lake（湖库）"),
    Column("water_body", "所在水体", False, note_zh="如 松花江"),
    Column("target_class", "水质目标", False, note_zh="断面的目标类别：I、II、III、IV、V"),
    Column("mn", "MN", False, note_zh="HJ 212 设备唯一标识；通过在线监测上报时必填"),
    Column("longitude", "经度", False, "number", "十进制度，东经为正"),
    Column("latitude", "纬度", False, "number", "十进制度，北纬为正"),
)
AIR_NAMES = {"SO2": "二氧化硫", "NO2": "二氧化氮", "PM10": "PM10", "CO": "一氧化碳", "O3_1h": "臭氧1小时",
             "O3_8h": "臭氧8小时", "PM2_5": "PM2.5"}
AIR_COLUMNS = (
    Column("station", "站点编码", True),
    Column("date", "日期", True, note_zh="YYYY-MM-DD"),
    Column("hour", "小时", False, "integer", "小时数据填 0～23（该小时起始时刻）；日数据留空"),
    *(Column(k, f"{AIR_NAMES[k]}({AIR_UNITS.get(k, 'μg/m³')})", False, "number",
             {"O3_1h": "日数据填当日最大1小时浓度；小时数据填该小时浓度",
              "O3_8h": "日数据填当日最大8小时滑动平均；小时数据可不填（由小时值计算）"}.get(k, "空白表示未监测"))
      for k in DAILY_KEYS),
    Column("flag", "数据标记", False, note_zh="空白或 N 为有效；其他 HJ 212 表8 标记（F M S D C T B）表示本行数据无效（保留但不参与统计）"),
)
WATER_COLUMNS = (
    Column("section", "断面编码", True),
    Column("sampled_at", "采样时间", True, note_zh="YYYY-MM-DD 或 YYYY-MM-DD HH:MM"),
    *(Column(code, header, False, "number", "空白表示未监测") for code, header in _water_headers().items()),
    Column("flag", "数据标记", False, note_zh="空白或 N 为有效；其他 HJ 212 表8 标记表示本次样品无效（保留但不参与评价）"),
)


@dataclass(frozen=True)
class StationRow:
    code: str
    name: str
    medium: str
    region: str
    water_kind: str | None
    water_body: str | None
    target_class: str | None
    mn: str | None
    longitude: Decimal | None
    latitude: Decimal | None
    source_row: int


@dataclass(frozen=True)
class AirRow:
    station: str
    date: dt.date
    hour: int | None  # None: a daily row
    values: dict[str, Decimal | None]
    flag: str
    source_row: int


@dataclass(frozen=True)
class WaterRow:
    section: str
    sampled_at: dt.datetime
    values: dict[str, Decimal]
    flag: str
    source_row: int


def _flag(row: RowCells) -> str:
    text = (row.text("flag") or "N").upper()
    if text not in DATA_FLAGS:
        row.problem("ENV_BAD_FLAG", "flag", text, text)
        return "N"
    return text


def _rows(path: Path, columns: Sequence[Column]) -> tuple[RawTable, dict[str, int], list[RowCells]]:
    table = read_table(path)
    mapping, problems = map_headers(table, columns)
    if problems:
        raise EcerError(problems)
    if not table.rows:
        raise EcerError("IMPORT_EMPTY", file=table.file, sheet=table.sheet)
    return table, mapping, rows_of(table, columns, mapping)


def parse_when(value: Any, with_time: bool) -> dt.datetime | None:
    """A date (or date and time) from an Excel cell or text; ``None`` when it is not one."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = cell_text(value).replace("/", "-").replace("T", " ")
    formats = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S") if with_time else ("%Y-%m-%d",)
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _finish(rows: list[RowCells], build: Callable[[RowCells], Any]) -> list[Any]:
    result: list[Any] = []
    problems: list[Problem] = []
    for row in rows:
        item = build(row)
        if row.problems:
            problems.extend(row.problems)
        elif item is not None:
            result.append(item)
    if problems:
        raise EcerError(problems)
    return result


def read_stations(path: Path, plan: Any) -> list[StationRow]:
    """The station registry; every problem at once, nothing written here."""
    _table, _mapping, rows = _rows(path, STATION_COLUMNS)
    seen_codes: dict[str, int] = {}
    seen_mn: dict[str, int] = {}

    def build(row: RowCells) -> StationRow | None:
        code, name = row.text("code"), row.text("name")
        medium_text, region_text = row.text("medium"), row.text("region")
        medium = MEDIA.get((medium_text or "").lower()) if medium_text else None
        if medium_text and medium is None:
            row.problem("ENV_BAD_MEDIUM", "medium", medium_text, medium_text)
        region = None
        if region_text:
            try:
                region = plan.region(region_text).name
            except EcerError:
                row.problem("IMPORT_UNKNOWN_REGION", "region", region_text, region_text)
        kind_text, target = row.text("water_kind"), row.text("target_class")
        kind = WATER_KINDS.get((kind_text or "").lower()) if kind_text else None
        if kind_text and kind is None:
            row.problem("WATER_BAD_KIND", "water_kind", kind_text, kind_text)
        if medium == "water" and not kind_text:
            row.problem("IMPORT_REQUIRED_VALUE", "water_kind", "断面的水体类型")
        if target is not None:
            target = target.upper().replace("Ⅰ", "I").replace("Ⅱ", "II").replace("Ⅲ", "III").replace(
                "Ⅳ", "IV").replace("Ⅴ", "V").removesuffix("类")
            if target not in CLASS_ORDER[:5]:
                row.problem("WATER_BAD_CLASS", "target_class", target, target)
        lon, lat = row.number("longitude", negative=True), row.number("latitude", negative=True)
        if lon is not None and not -180 <= lon <= 180:
            row.problem("ENV_BAD_COORDINATE", "longitude", str(lon), lon)
        if lat is not None and not -90 <= lat <= 90:
            row.problem("ENV_BAD_COORDINATE", "latitude", str(lat), lat)
        mn = row.text("mn")
        for key, value, seen in (("code", code, seen_codes), ("mn", mn, seen_mn)):
            if value is None:
                continue
            if value in seen:
                row.problem("ENV_DUPLICATE_STATION", key, f"{value}（与第 {seen[value]} 行重复）", value)
            else:
                seen[value] = row.row_number
        if row.problems or code is None or name is None or medium is None or region is None:
            return None
        water = medium == "water"
        return StationRow(code, name, medium, region, kind if water else None, row.text("water_body"),
                          target if water else None, mn, lon, lat, row.row_number)

    return _finish(rows, build)


def _station(row: RowCells, key: str, stations: Mapping[str, str], medium: str) -> str | None:
    code = row.text(key)
    if code is None:
        return None
    if code not in stations:
        row.problem("ENV_UNKNOWN_STATION", key, code, code)
    elif stations[code] != medium:
        row.problem("ENV_WRONG_MEDIUM", key, f"{code} 是{'空气站点' if stations[code] == 'air' else '水质断面'}", code)
    return code


def read_air_quality(path: Path, stations: Mapping[str, str]) -> list[AirRow]:
    """Hourly or daily concentrations; ``stations`` maps a registered code to its medium."""
    _table, _mapping, rows = _rows(path, AIR_COLUMNS)
    seen: dict[tuple[str, dt.date, int | None], int] = {}

    def build(row: RowCells) -> AirRow | None:
        station = _station(row, "station", stations, "air")
        raw_date = row.raw("date")
        when = None if raw_date is None else parse_when(raw_date, with_time=False)
        if raw_date is None:
            row.problem("IMPORT_REQUIRED_VALUE", "date", "日期")
        elif when is None:
            row.problem("ENV_BAD_DATE", "date", cell_text(raw_date), raw_date)
        hour = None
        hour_value = row.number("hour")
        if hour_value is not None:
            if hour_value != hour_value.to_integral_value() or not 0 <= hour_value <= 23:
                row.problem("ENV_BAD_HOUR", "hour", str(hour_value), hour_value)
            else:
                hour = int(hour_value)
        values = {k: row.number(k) for k in DAILY_KEYS}
        flag = _flag(row)
        if station is not None and when is not None:
            key = (station, when.date(), hour)
            if key in seen:
                row.problem("ENV_DUPLICATE_READING", "station", f"{station} {when.date()}（与第 {seen[key]} 行重复）")
            seen[key] = row.row_number
        if row.problems or station is None or when is None:
            return None
        return AirRow(station, when.date(), hour, values, flag, row.row_number)

    return _finish(rows, build)


def read_water_quality(path: Path, stations: Mapping[str, str]) -> list[WaterRow]:
    """Samples at sections; values in the units of GB 3838-2002 表1 (mg/L, coliform per L)."""
    _table, _mapping, rows = _rows(path, WATER_COLUMNS)
    seen: dict[tuple[str, dt.datetime], int] = {}

    def build(row: RowCells) -> WaterRow | None:
        section = _station(row, "section", stations, "water")
        raw = row.raw("sampled_at")
        when = None if raw is None else parse_when(raw, with_time=True)
        if raw is None:
            row.problem("IMPORT_REQUIRED_VALUE", "sampled_at", "采样时间")
        elif when is None:
            row.problem("ENV_BAD_DATE", "sampled_at", cell_text(raw), raw)
        values = {code: v for code in parameters() if (v := row.number(code)) is not None}
        flag = _flag(row)
        if section is not None and when is not None:
            if (section, when) in seen:
                row.problem("ENV_DUPLICATE_READING", "section",
                         f"{section} {when:%Y-%m-%d %H:%M}（与第 {seen[(section, when)]} 行重复）")
            seen[(section, when)] = row.row_number
        if row.problems or section is None or when is None:
            return None
        return WaterRow(section, when, values, flag, row.row_number)

    return _finish(rows, build)
