"""The energy-budget workbook (用能预算, issue 4 §5): yearly budgets per region, key unit or new project."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecer.domain.energy.key_units import validate_credit_code
from ecer.domain.errors import EcerError, Problem
from ecer.importers.cells import rows_of
from ecer.importers.key_units import _check_headers
from ecer.importers.tabular import Column, read_table

SCOPES = {"地区": "region", "region": "region", "单位": "unit", "unit": "unit", "项目": "project",
          "project": "project"}

COLUMNS = (
    Column("year", "年份", True, "integer"),
    Column("scope", "预算类型", True, note_zh="地区、单位、项目（新上项目，从所在地区的剩余空间中安排）"),
    Column("region", "地区", True, note_zh="附件1中的地区；单位预算填单位所属地区"),
    Column("credit_code", "统一社会信用代码", note_zh="单位预算必填"),
    Column("project", "项目名称", note_zh="项目预算必填"),
    Column("budget_tce", "用能预算(吨标准煤)", True, "number", "等价值口径，与地区能源消费总量一致"),
    Column("note", "备注"),
)


@dataclass(frozen=True)
class BudgetRow:
    year: int
    scope: str
    region: str
    credit_code: str | None
    project: str | None
    budget_tce: Decimal
    note: str | None

    @property
    def key(self) -> str:
        return f"{self.year}|{self.scope}|{self.region}|{self.credit_code or ''}|{self.project or ''}"


def parse_scope(text: str) -> str:
    try:
        return SCOPES[text.strip().lower()]
    except KeyError:
        raise EcerError("INPUT_INVALID", f"预算类型 {text!r}（地区、单位、项目）", field="scope", value=text) from None


def read_budgets(path: Path, plan: Any, unit_regions: Mapping[str, str], years: tuple[int, int]) -> list[BudgetRow]:
    """``unit_regions``: credit code → the region the unit counts to."""
    table = read_table(path)
    mapping = _check_headers(table, COLUMNS)
    annex1 = {r.name for r in plan.annex1_regions()}
    result: list[BudgetRow] = []
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for row in rows_of(table, COLUMNS, mapping):
        year = row.integer("year", years[0], years[1], "IMPORT_BAD_YEAR")
        scope = row.parsed("scope", parse_scope)
        region = row.parsed("region", plan.region)
        if region is not None and region.name not in annex1:
            row.problem("IMPORT_REGION_NOT_ALLOWED", "region", f"{region.name} 不是附件1的考核地区")
        code = row.parsed("credit_code", validate_credit_code)
        project = row.text("project")
        budget = row.number("budget_tce")
        if scope == "unit":
            if code is None and row.raw("credit_code") is None:
                row.problem("IMPORT_REQUIRED_VALUE", "credit_code", "单位预算须填写统一社会信用代码")
            elif code is not None and code not in unit_regions:
                row.problem("KEY_UNIT_UNKNOWN", "credit_code", code, code)
            elif code is not None and region is not None and unit_regions[code] != region.name:
                row.problem("INPUT_INVALID", "region", f"{code} 计入 {unit_regions[code]}，不是 {region.name}")
        if scope == "project" and project is None:
            row.problem("IMPORT_REQUIRED_VALUE", "project", "项目预算须填写项目名称")
        if row.problems:
            problems.extend(row.problems)
            continue
        assert year and scope and region and budget is not None
        item = BudgetRow(year, scope, region.name, code if scope == "unit" else None,
                         project if scope == "project" else None, budget, row.text("note"))
        if item.key in seen:
            row.problem("KEY_UNIT_DUPLICATE_ROW", "scope", f"与第 {seen[item.key]} 行重复")
            problems.extend(row.problems)
            continue
        seen[item.key] = row.row_number
        result.append(item)
    if problems:
        raise EcerError(problems)
    return result
