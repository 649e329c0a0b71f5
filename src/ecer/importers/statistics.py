"""The statistics workbook (issue 2 §5): GDP, GDP index and energy per region, year and period."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecer.domain.energy.dual_control import EnergyStatistics
from ecer.domain.energy.periods import Period, parse_period
from ecer.domain.errors import EcerError
from ecer.importers.cells import rows_of
from ecer.importers.tabular import Column, RawTable, map_headers, read_table

VINTAGES = ("快报", "初步核实", "最终核实")

COLUMNS = (
    Column("region", "地区", True, note_zh="附件1中的地区名称或国家行政区划代码；不接受“市本级”"),
    Column("year", "年份", True, "integer", "四位年份，如 2024"),
    Column("period", "期间", True, note_zh="全年、一季度、上半年、前三季度（或 year、Q1、H1、Q1-Q3），均为累计值"),
    Column("gdp_100m_yuan", "地区生产总值(现价,亿元)", True, "number", "当年价格"),
    Column("gdp_index", "地区生产总值指数(上年同期=100)", True, "number", "按可比价格计算，上年同期为100"),
    Column("energy_10k_tce", "能源消费总量(万吨标准煤)", True, "number", "等价值口径，按统计部门公布数"),
    Column("coal_10k_tce", "煤炭消费量(万吨标准煤)", False, "number", "空白表示未报送"),
    Column("nonfossil_10k_tce", "非化石能源消费量(万吨标准煤)", False, "number", "空白表示未报送"),
    Column("renewable_electricity_100m_kwh", "可再生能源电力消费量(亿千瓦时)", False, "number", "空白表示未报送"),
    Column("feedstock_10k_tce", "原料用能(万吨标准煤)", False, "number", "空白视为0（发改环资〔2022〕803号）"),
    Column("listed_projects_10k_tce", "单列项目能耗(万吨标准煤)", False, "number", "空白视为0（发改环资〔2021〕1310号）"),
    Column("vintage", "数据版本", False, note_zh="快报、初步核实、最终核实；空白时取导入命令的 --vintage（默认快报）"),
)
ZERO_WHEN_BLANK = {"feedstock_10k_tce", "listed_projects_10k_tce"}
NUMBER_FIELDS = [c.key for c in COLUMNS if c.kind == "number"]


@dataclass(frozen=True)
class StatisticsRow:
    """A checked row: the statistics plus where they came from."""

    statistics: EnergyStatistics
    region_code: str | None
    vintage: str
    source_row: int


def read_statistics(path: Path, plan: Any, default_vintage: str = "快报") -> list[StatisticsRow]:
    """Every problem in the file at once, or the checked rows; nothing is written here."""
    table = read_table(path)
    return check_statistics(table, plan, default_vintage)


def check_statistics(table: RawTable, plan: Any, default_vintage: str = "快报") -> list[StatisticsRow]:
    mapping, problems = map_headers(table, COLUMNS)
    if problems:
        raise EcerError(problems)
    if not table.rows:
        raise EcerError("IMPORT_EMPTY", file=table.file, sheet=table.sheet)
    annex1 = {r.name for r in plan.annex1_regions()}
    years = (plan.metadata.base_year - 10, plan.metadata.target_year + 10)
    seen: dict[tuple[str, int, Period], int] = {}
    result: list[StatisticsRow] = []
    for row in rows_of(table, COLUMNS, mapping):
        region = None
        region_text = row.text("region")
        if region_text is not None:
            region = _find_region(plan, region_text)
            if region is None:
                row.problem("IMPORT_UNKNOWN_REGION", "region", region_text, region_text)
            elif region.name not in annex1:
                row.problem("IMPORT_REGION_NOT_ALLOWED", "region", f"{region.name} 不是附件1的考核地区", region_text)
                region = None

        year = row.integer("year", *years, code="IMPORT_BAD_YEAR")

        period = None
        period_text = row.text("period")
        if period_text is not None:
            try:
                period = parse_period(period_text)
            except EcerError:
                row.problem("IMPORT_BAD_PERIOD", "period", period_text, period_text)

        numbers: dict[str, Decimal | None] = {}
        for key in NUMBER_FIELDS:
            value = row.number(key)
            if value is None and row.raw(key) is None:
                value = Decimal(0) if key in ZERO_WHEN_BLANK else None
            elif key == "gdp_index" and value == 0:
                row.problem("INPUT_INVALID", key, "地区生产总值指数不能为0", row.raw(key))
                value = None
            numbers[key] = value

        vintage = row.text("vintage") or default_vintage
        if vintage not in VINTAGES:
            row.problem("IMPORT_BAD_VINTAGE", "vintage", vintage, row.raw("vintage"))

        if region is not None and year is not None and period is not None:
            key = (region.name, year, period)
            if key in seen:
                row.problem("IMPORT_DUPLICATE_ROW", "region",
                            f"{region.name} {year} {period.value}（与第 {seen[key]} 行重复）", region_text)
            else:
                seen[key] = row.row_number

        if row.problems:
            problems.extend(row.problems)
            continue
        assert region is not None and year is not None and period is not None
        result.append(StatisticsRow(
            EnergyStatistics(region=region.name, year=year, period=period, **numbers),  # type: ignore[arg-type]
            region.code, vintage, row.row_number))
    if problems:
        raise EcerError(problems)
    return result


def _find_region(plan: Any, text: str) -> Any:
    try:
        return plan.region(text)
    except EcerError:
        return None
