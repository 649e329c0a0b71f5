"""The indicator-values workbook: reported values of the plan's indicators (ecer import indicators).

Percent indicators are entered as the statistics print them: 78.5 means 78.5 %, and "78.5%" is
accepted too; both are stored as the fraction 0.785, as the plan holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ecer.domain.errors import EcerError
from ecer.importers.cells import rows_of
from ecer.importers.tabular import Column, cell_text, map_headers, parse_decimal, read_table

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
    for row in rows_of(table, COLUMNS, mapping):
        indicator = None
        indicator_text = row.text("indicator")
        if indicator_text is not None:
            indicator = by_name.get(indicator_text)
            if indicator is None:
                row.problem("IMPORT_UNKNOWN_INDICATOR", "indicator", indicator_text, indicator_text)
        region: str | None = plan.city.name
        region_text = row.text("region")
        if region_text is not None:
            try:
                region = plan.region(region_text).name
            except EcerError:
                row.problem("IMPORT_UNKNOWN_REGION", "region", region_text, region_text)
                region = None
        year = row.integer("year", 1990, 2100, "IMPORT_BAD_YEAR")
        value = None
        raw_value = row.raw("value")
        if raw_value is None:
            row.text("value")  # records the missing value
        else:
            text = cell_text(raw_value)
            try:
                value = parse_decimal(text.rstrip("%％") if isinstance(raw_value, str) else raw_value)
                if indicator is not None and indicator.unit == "%":
                    value = value / 100
            except (InvalidOperation, ValueError):
                row.problem("IMPORT_NOT_A_NUMBER", "value", text, raw_value)
        if indicator is not None and year is not None and region is not None:
            key = (indicator.id, region, year)
            if key in seen:
                row.problem("IMPORT_DUPLICATE_ROW", "indicator",
                            f"{indicator.name_zh} {region} {year}（与第 {seen[key]} 行重复）", indicator_text)
            seen[key] = row.row_number
        if row.problems:
            problems.extend(row.problems)
            continue
        assert indicator is not None and year is not None and value is not None and region is not None
        result.append(IndicatorRow(indicator.id, region, year, value, row.text("source"), row.row_number))
    if problems:
        raise EcerError(problems)
    return result
