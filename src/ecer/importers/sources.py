"""The monitored-sources workbook (issue 3 §3): one row per data logger (MN) at one outlet.

Pollutants go in one cell as ``code:limit:unit:permit_t[:resolution]`` items separated by ``;``,
e.g. ``w01018:100:mg/L:12.5;w21003:8:mg/L:1.2`` (COD 100 mg/L, 12.5 t/a permitted).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ecer.domain.errors import EcerError, Location, Problem
from ecer.importers.tabular import Column, RawTable, cell_text, column_letter_for, map_headers, read_table
from ecer.protocol.hj212.codec import DEVIATIONS
from ecer.storage.monitoring import SOURCE_KINDS
from ecer.storage.sources import PollutantSpec, SourceSpec

KIND_NAMES = {"废水": "wastewater", "污水": "wastewater", "废气": "flue_gas", "烟气": "flue_gas",
              "空气站": "air_station", "环境空气": "air_station", "水质断面": "water_section", "地表水": "water_section",
              **{k: k for k in SOURCE_KINDS}}

COLUMNS = (
    Column("mn", "设备唯一标识MN", True, note_zh="数采仪 MN，HJ 212-2017 为 24 位"),
    Column("pw", "访问密码PW", True, note_zh="数采仪访问密码"),
    Column("enterprise", "企业名称", True),
    Column("outlet", "排放口或点位", True, note_zh="如 废水总排口、1号锅炉烟囱"),
    Column("kind", "类型", True, note_zh="废水、废气、空气站、水质断面（或 wastewater、flue_gas、air_station、water_section）"),
    Column("region", "所属地区", True, note_zh="规划中的地区名称或代码（附件中的地区）"),
    Column("st", "系统编码ST", False, note_zh="表 5，如 32 地表水体污染源、31 大气环境污染源"),
    Column("pollutants", "监测因子", False,
           note_zh="编码:浓度限值:单位:年许可排放量(吨)[:仪器分辨率]，多个用 ; 分隔，如 w01018:100:mg/L:12.5"),
    Column("rtd_interval", "实时数据间隔(秒)", False, "integer", "默认 30"),
    Column("minute_interval", "分钟数据间隔(秒)", False, "integer", "默认 600"),
    Column("accepted_deviations", "允许的协议偏差", False, note_zh="偏差代码，用 , 分隔，如 HJ212_CRC_MODBUS；默认不允许"),
    Column("vendor_extensions", "厂商扩展CN", False, note_zh="允许的非标准 CN，如 9021；默认关闭"),
)


def read_sources(path: Path, plan: Any) -> list[SourceSpec]:
    return check_sources(read_table(path), plan)


def parse_pollutants(text: str) -> tuple[PollutantSpec, ...]:
    """``code:limit:unit:permit_t[:resolution];…``; blank parts are None. Raises ValueError."""
    specs = []
    for item in filter(None, (p.strip() for p in text.replace("；", ";").split(";"))):
        parts = [p.strip() for p in item.replace("：", ":").split(":")]
        if len(parts) > 5 or not parts[0].isalnum():
            raise ValueError(item)
        parts += [""] * (5 - len(parts))
        code, limit, unit, permit, resolution = parts

        def number(text: str) -> Decimal | None:
            if not text:
                return None
            value = Decimal(text)
            if not value.is_finite() or value < 0:
                raise ValueError(text)
            return value

        try:
            specs.append(PollutantSpec(code, number(limit), unit or None, number(permit), number(resolution)))
        except InvalidOperation as exc:
            raise ValueError(item) from exc
    return tuple(specs)


def check_sources(table: RawTable, plan: Any) -> list[SourceSpec]:
    mapping, problems = map_headers(table, COLUMNS)
    if problems:
        raise EcerError(problems)
    if not table.rows:
        raise EcerError("IMPORT_EMPTY", file=table.file, sheet=table.sheet)
    headers = {c.key: c.header_zh for c in COLUMNS}
    seen: dict[str, int] = {}
    result: list[SourceSpec] = []
    for row_number, cells in table.rows:
        found: list[Problem] = []

        def where(key: str, value: Any, row_number: int = row_number) -> Location:
            letter = column_letter_for(mapping, key)
            return Location(table.file, table.sheet, row_number, f"{letter} {headers[key]}" if letter else headers[key],
                            key, value)

        def cell(key: str, cells: list[Any] = cells) -> str:
            index = mapping.get(key)
            return "" if index is None or index >= len(cells) else cell_text(cells[index])

        for col in COLUMNS:
            if col.required and not cell(col.key):
                found.append(Problem("IMPORT_REQUIRED_VALUE", col.header_zh, where(col.key, None)))
        kind = KIND_NAMES.get(cell("kind"))
        if cell("kind") and kind is None:
            found.append(Problem("MONITOR_SOURCE_KIND", cell("kind"), where("kind", cell("kind"))))
        region = None
        if cell("region"):
            try:
                region = plan.region(cell("region")).name
            except EcerError:
                found.append(Problem("IMPORT_UNKNOWN_REGION", cell("region"), where("region", cell("region"))))
        mn = cell("mn")
        if mn and (not mn.isascii() or not mn.isalnum() or len(mn) > 64):
            found.append(Problem("MONITOR_MN_INVALID", mn, where("mn", mn)))
        elif mn in seen:
            found.append(Problem("IMPORT_DUPLICATE_ROW", f"MN {mn}（与第 {seen[mn]} 行重复）", where("mn", mn)))
        elif mn:
            seen[mn] = row_number
        pollutants: tuple[PollutantSpec, ...] = ()
        try:
            pollutants = parse_pollutants(cell("pollutants"))
        except ValueError as exc:
            found.append(Problem("MONITOR_POLLUTANT_INVALID", str(exc), where("pollutants", cell("pollutants"))))
        intervals: dict[str, int] = {}
        for key, cn in (("rtd_interval", "2011"), ("minute_interval", "2051")):
            text = cell(key)
            if text:
                if text.isdigit() and int(text) > 0:
                    intervals[cn] = int(text)
                else:
                    found.append(Problem("IMPORT_NOT_A_NUMBER", text, where(key, text)))
        deviations = tuple(d.strip() for d in cell("accepted_deviations").replace("，", ",").split(",") if d.strip())
        unknown = [d for d in deviations if d not in DEVIATIONS]
        if unknown:
            found.append(Problem("MONITOR_DEVIATION_UNKNOWN", "、".join(unknown),
                                 where("accepted_deviations", cell("accepted_deviations"))))
        extensions = tuple(e.strip() for e in cell("vendor_extensions").replace("，", ",").split(",") if e.strip())
        if found:
            problems.extend(found)
            continue
        assert kind is not None and region is not None
        result.append(SourceSpec(mn=mn, pw=cell("pw"), enterprise=cell("enterprise"), outlet=cell("outlet"),
                                 kind=kind, region=region, st=cell("st") or None, pollutants=pollutants,
                                 intervals=intervals, accepted_deviations=deviations, vendor_extensions=extensions))
    if problems:
        raise EcerError(problems)
    return result
