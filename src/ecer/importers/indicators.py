"""The indicator-values workbook: reported values of the plan's indicators (ecer import indicators).

Percent indicators are entered as the statistics print them: 78.5 means 78.5 %, and "78.5%" is
accepted too; both are stored as the fraction 0.785, as the plan holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ecer.domain.errors import EcerError, Location, Problem
from ecer.importers.tabular import (
    Column,
    cell_text,
    column_letter_for,
    map_headers,
    parse_decimal,
    read_table,
)

COLUMNS = (
    Column("indicator", "指标", True, note_zh="规划指标编号或中文名称（见 ecer plan show）"),
    Column("region", "地区", False, note_zh="规划中的地区名称或代码；空白为全市"),
    Column("year", "年份", True, "integer", "数据所属年份"),
    Column("value", "数值", True, "number", "按指标单位填写；百分比指标填百分数（78.5 表示 78.5%）"),
    Column("source", "来源", False, note_zh="数据来源，如 统计公报、部门报送"),
)


@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: str
    region: str
    year: int
    value: Decimal
    source: str | None
    source_row: int


def read_indicator_values(path: Path, plan: Any) -> list[IndicatorRow]:
    """Every problem at once, or the checked rows."""
    table = read_table(path)
    mapping, problems = map_headers(table, COLUMNS)
    if problems:
        raise EcerError(problems)
    if not table.rows:
        raise EcerError("IMPORT_EMPTY", file=table.file, sheet=table.sheet)
    by_name = {i.name_zh: i for i in plan.indicators} | {i.id: i for i in plan.indicators}
    result: list[IndicatorRow] = []
    seen: dict[tuple[str, str, int], int] = {}
    for row_number, cells in table.rows:
        def where(key: str, value: Any, row_number: int = row_number) -> Location:
            header = next(c.header_zh for c in COLUMNS if c.key == key)
            letter = column_letter_for(mapping, key)
            return Location(table.file, table.sheet, row_number, f"{letter} {header}" if letter else header, key,
                            value)

        def cell(key: str, cells: list[Any] = cells) -> Any:
            index = mapping.get(key)
            value = cells[index] if index is not None and index < len(cells) else None
            return None if value is None or cell_text(value) == "" else value

        bad: list[Problem] = []
        indicator = None
        raw = cell("indicator")
        if raw is None:
            bad.append(Problem("IMPORT_REQUIRED_VALUE", "指标", where("indicator", None)))
        else:
            indicator = by_name.get(cell_text(raw))
            if indicator is None:
                bad.append(Problem("IMPORT_UNKNOWN_INDICATOR", cell_text(raw), where("indicator", raw)))
        region: str | None = plan.city.name
        raw_region = cell("region")
        if raw_region is not None:
            try:
                region = plan.region(cell_text(raw_region)).name
            except EcerError:
                bad.append(Problem("IMPORT_UNKNOWN_REGION", cell_text(raw_region), where("region", raw_region)))
                region = None
        year = None
        raw_year = cell("year")
        try:
            year = int(parse_decimal(raw_year))
            if not 1990 <= year <= 2100:
                raise ValueError
        except (InvalidOperation, ValueError, TypeError):
            code = "IMPORT_REQUIRED_VALUE" if raw_year is None else "IMPORT_BAD_YEAR"
            bad.append(Problem(code, cell_text(raw_year) or "年份", where("year", raw_year)))
            year = None
        value = None
        raw_value = cell("value")
        if raw_value is None:
            bad.append(Problem("IMPORT_REQUIRED_VALUE", "数值", where("value", None)))
        else:
            text = cell_text(raw_value)
            try:
                value = parse_decimal(text.rstrip("%％") if isinstance(raw_value, str) else raw_value)
                if indicator is not None and indicator.unit == "%":
                    value = value / 100
            except (InvalidOperation, ValueError):
                bad.append(Problem("IMPORT_NOT_A_NUMBER", text, where("value", raw_value)))
        if indicator is not None and year is not None and region is not None:
            key = (indicator.id, region, year)
            if key in seen:
                bad.append(Problem("IMPORT_DUPLICATE_ROW", f"{indicator.name_zh} {region} {year}（与第 {seen[key]} 行重复）",
                                   where("indicator", raw)))
            seen[key] = row_number
        if bad:
            problems.extend(bad)
            continue
        assert indicator is not None and year is not None and value is not None and region is not None
        source = cell("source")
        result.append(IndicatorRow(indicator.id, region, year, value, None if source is None else cell_text(source),
                                   row_number))
    if problems:
        raise EcerError(problems)
    return result
