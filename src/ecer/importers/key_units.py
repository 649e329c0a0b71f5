"""The key-unit registry workbook and the monthly energy-report workbook (issue 4 §1, §2).

Registry: one row per unit and product line (a unit without products has one row with the
product cells blank; the unit's own cells must agree on every row of the unit).
Energy reports: one row per unit, year, month, item and carrier/product, in physical units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecer.domain.energy.benchmarks import level
from ecer.domain.energy.conversion import carrier_code
from ecer.domain.energy.key_units import validate_credit_code
from ecer.domain.energy.reports import ENERGY_ITEMS, MONEY_ITEMS, Item, ReportLine, parse_item
from ecer.domain.errors import EcerError, Problem
from ecer.domain.units import parse_unit
from ecer.importers.cells import RowCells, rows_of
from ecer.importers.tabular import Column, RawTable, map_headers, read_table

UNIT_COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, note_zh="18位，按 GB 32100-2015 校验"),
    Column("name", "单位名称", True),
    Column("industry_code", "行业代码", True, note_zh="GB/T 4754-2017 行业小类代码，如 C3011"),
    Column("industry_name", "行业名称", True, note_zh="如 水泥制造"),
    Column("region", "所属地区", True, note_zh="附件1中的地区名称或行政区划代码（每个单位只计入一个地区）"),
    Column("energy_manager", "能源管理负责人", note_zh="重点用能单位节能管理办法要求设置的能源管理岗位负责人"),
    Column("manager_phone", "联系电话"),
    Column("declared_energy_tce", "上年综合能耗(吨标准煤)", kind="number", note_zh="当量值；用于单位类别"),
    Column("product", "产品代码", note_zh="能效水平表的产品代码，如 cement_clinker、blast_furnace；空白表示无"),
    Column("product_name", "产品名称", note_zh="如 熟料生产线"),
    Column("capacity", "产能", kind="number"),
    Column("capacity_unit", "产能单位", note_zh="如 吨/年、重量箱/年、万千瓦"),
    Column("new_large", "新建大型数据中心", note_zh="是/否；新建大型、超大型数据中心 PUE 须不高于1.3"),
)

REPORT_COLUMNS = (
    Column("credit_code", "统一社会信用代码", True),
    Column("year", "年份", True, "integer"),
    Column("month", "月份", True, "integer", "1～12"),
    Column("item", "项目", True, note_zh="消费、外供、原料、产品产量、工业总产值、工业增加值、IT设备用电"),
    Column("name", "品种或产品", note_zh="能源品种（原煤、电力、天然气…）或产品代码；产值项目留空"),
    Column("product", "所属产品", note_zh="该能源所服务的产品代码（分产品核算单位产品能耗）；空白表示全厂"),
    Column("quantity", "数量", True, "number"),
    Column("unit", "计量单位", True, note_zh="实物单位：吨、万千瓦时、万立方米、吉焦；产值为 万元"),
)


@dataclass
class ProductRow:
    product: str
    name_zh: str
    capacity: Decimal | None
    capacity_unit: str | None
    new_large: bool


@dataclass
class UnitRow:
    credit_code: str
    name: str
    industry_code: str
    industry_name: str
    region: str
    region_code: str | None
    energy_manager: str | None
    manager_phone: str | None
    declared_energy_tce: Decimal | None
    products: list[ProductRow] = field(default_factory=list)
    source_row: int = 0


def _check_headers(table: RawTable, columns: tuple[Column, ...]) -> dict[str, int]:
    mapping, problems = map_headers(table, columns)
    if problems:
        raise EcerError(problems)
    if not table.rows:
        raise EcerError("IMPORT_EMPTY", file=table.file, sheet=table.sheet)
    return mapping


def read_units(path: Path, plan: Any) -> list[UnitRow]:
    """Every problem at once, or the checked units; nothing is written here."""
    table = read_table(path)
    mapping = _check_headers(table, UNIT_COLUMNS)
    annex1 = {r.name for r in plan.annex1_regions()}
    units: dict[str, UnitRow] = {}
    problems: list[Problem] = []
    for row in rows_of(table, UNIT_COLUMNS, mapping):
        code = row.parsed("credit_code", validate_credit_code)
        region = row.parsed("region", plan.region)
        if region is not None and region.name not in annex1:
            row.problem("IMPORT_REGION_NOT_ALLOWED", "region", f"{region.name} 不是附件1的考核地区")
        unit = UnitRow(code or "", row.text("name") or "", row.text("industry_code") or "",
                       row.text("industry_name") or "", region.name if region else "",
                       region.code if region else None, row.text("energy_manager"), row.text("manager_phone"),
                       row.number("declared_energy_tce"), source_row=row.row_number)
        product = row.parsed("product", _product_code)
        capacity = row.number("capacity")
        if code and not row.problems:
            first = units.setdefault(code, unit)
            if first is not unit and _unit_fields(first) != _unit_fields(unit):
                row.problem("KEY_UNIT_DUPLICATE_ROW", "credit_code",
                            f"{code} 的单位信息与第 {first.source_row} 行不一致", code)
            if product is not None:
                if any(p.product == product for p in first.products):
                    row.problem("KEY_UNIT_DUPLICATE_ROW", "product", f"{code} {product}", product)
                else:
                    first.products.append(ProductRow(product, row.text("product_name") or product, capacity,
                                                     row.text("capacity_unit"), row.boolean("new_large")))
        problems.extend(row.problems)
    if problems:
        raise EcerError(problems)
    return list(units.values())


def _unit_fields(unit: UnitRow) -> tuple[object, ...]:
    return (unit.name, unit.industry_code, unit.industry_name, unit.region, unit.energy_manager,
            unit.manager_phone, unit.declared_energy_tce)


def _product_code(text: str) -> str:
    return level(text).product


@dataclass
class MonthRows:
    """The checked lines of one unit and month."""

    credit_code: str
    year: int
    month: int
    lines: list[tuple[int, ReportLine]] = field(default_factory=list)  # (source row, line)


def read_energy_reports(path: Path, known_units: Mapping[str, int], years: tuple[int, int]) -> list[MonthRows]:
    """Check every row (registered unit, month, item, carrier, unit of the right dimension)."""
    table = read_table(path)
    mapping = _check_headers(table, REPORT_COLUMNS)
    months: dict[tuple[str, int, int], MonthRows] = {}
    seen: dict[tuple[object, ...], int] = {}
    problems: list[Problem] = []
    for row in rows_of(table, REPORT_COLUMNS, mapping):
        code = row.parsed("credit_code", validate_credit_code)
        if code is not None and code not in known_units:
            row.problem("KEY_UNIT_UNKNOWN", "credit_code", f"{code}（请先 ecer import units）", code)
        year = row.integer("year", years[0], years[1], "IMPORT_BAD_YEAR")
        month = row.integer("month", 1, 12, "IMPORT_BAD_MONTH")
        item = row.parsed("item", parse_item)
        quantity = row.number("quantity", negative=False)
        unit = row.text("unit")
        name = _line_name(row, item)
        product = row.parsed("product", _product_code)
        if item is not None and unit is not None:
            _check_unit(row, item, name, unit)
        if row.problems:
            problems.extend(row.problems)
            continue
        assert code and year and month and item and quantity is not None and unit
        key = (code, year, month, item, name, product)
        if key in seen:
            row.problem("KEY_UNIT_DUPLICATE_ROW", "item", f"与第 {seen[key]} 行重复")
            problems.extend(row.problems)
            continue
        seen[key] = row.row_number
        group = months.setdefault((code, year, month), MonthRows(code, year, month))
        group.lines.append((row.row_number, ReportLine(item, name, quantity, unit, product)))
    if problems:
        raise EcerError(problems)
    return list(months.values())


def _line_name(row: RowCells, item: Item | None) -> str:
    if item in ENERGY_ITEMS:
        return row.parsed("name", carrier_code) or "" if row.raw("name") is not None else _missing(row)
    if item is Item.OUTPUT:
        return row.parsed("name", _product_code) or "" if row.raw("name") is not None else _missing(row)
    if item is Item.IT_ELECTRICITY:
        return "electricity"
    return ""


def _missing(row: RowCells) -> str:
    row.problem("IMPORT_REQUIRED_VALUE", "name", "能源品种或产品")
    return ""


def _check_unit(row: RowCells, item: Item, name: str, unit: str) -> None:
    """Refuse a unit of the wrong dimension now, so the whole file is checked before writing."""
    try:
        parsed = parse_unit(unit)
        if item in MONEY_ITEMS:
            expected = parse_unit("万元")
        elif item in ENERGY_ITEMS and name:
            from ecer.data import load_table

            expected = parse_unit(str(load_table("GB/T 2589-2020").row(name)["unit"]))
        elif item is Item.IT_ELECTRICITY:
            expected = parse_unit("kWh")
        else:
            return
        if parsed.dimensionality != expected.dimensionality:
            row.problem("UNIT_MISMATCH", "unit", f"{name or item.value} 不能以 {unit} 计量", unit)
    except EcerError as exc:
        for p in exc.problems:
            row.problem(p.code, "unit", p.detail, unit)
