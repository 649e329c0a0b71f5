"""The two-high project inventory workbook (“两高”项目清单, issue 4 §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ecer.domain.energy.key_units import validate_credit_code
from ecer.domain.energy.two_high import Replacement, Status, parse_replacement, parse_status
from ecer.domain.errors import EcerError, Problem
from ecer.importers.cells import rows_of
from ecer.importers.key_units import _check_headers, _product_code
from ecer.importers.tabular import Column, read_table

COLUMNS = (
    Column("name", "项目名称", True, note_zh="清单内唯一；再次导入同名项目即更新"),
    Column("credit_code", "统一社会信用代码", note_zh="建设单位已登记为重点用能单位时填写"),
    Column("industry_code", "行业代码", True, note_zh="GB/T 4754-2017"),
    Column("industry_name", "行业名称", True),
    Column("region", "所属地区", True, note_zh="附件1中的地区"),
    Column("status", "项目状态", True, note_zh="存量、在建、拟建"),
    Column("product", "产品代码", note_zh="能效水平表的产品代码，用于对照标杆、基准水平"),
    Column("capacity", "产能", kind="number"),
    Column("capacity_unit", "产能单位"),
    Column("unit_consumption", "单位产品能耗", kind="number", note_zh="按能效水平表的单位，如 kgce/t；转炉可为负"),
    Column("energy_calorific_tce", "年综合能耗当量值(吨标准煤)", True, "number"),
    Column("energy_primary_tce", "年综合能耗等价值(吨标准煤)", True, "number"),
    Column("coal_t", "年耗煤量(吨)", kind="number"),
    Column("coal_replacement", "煤炭替代方式", note_zh="减量替代、等量替代、无（新上耗煤项目须减量或等量替代）"),
    Column("replacement_source", "替代来源", note_zh="如 关停某燃煤锅炉腾出的煤炭量"),
    Column("review_number", "节能审查文号"),
    Column("review_date", "节能审查日期", note_zh="YYYY-MM-DD"),
    Column("actions", "处置措施", note_zh="空白时按分类处置规则给出"),
)


@dataclass(frozen=True)
class ProjectRow:
    name: str
    credit_code: str | None
    industry_code: str
    industry_name: str
    region: str
    status: Status
    product: str | None
    capacity: Decimal | None
    capacity_unit: str | None
    unit_consumption: Decimal | None
    energy_calorific_tce: Decimal
    energy_primary_tce: Decimal
    coal_t: Decimal | None
    coal_replacement: Replacement
    replacement_source: str | None
    review_number: str | None
    review_date: dt.date | None
    actions: str | None


def read_two_high(path: Path, plan: Any, known_units: Mapping[str, int]) -> list[ProjectRow]:
    table = read_table(path)
    mapping = _check_headers(table, COLUMNS)
    annex1 = {r.name for r in plan.annex1_regions()}
    result: list[ProjectRow] = []
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for row in rows_of(table, COLUMNS, mapping):
        name = row.text("name")
        code = row.parsed("credit_code", validate_credit_code)
        if code is not None and code not in known_units:
            row.problem("KEY_UNIT_UNKNOWN", "credit_code", code, code)
        region = row.parsed("region", plan.region)
        if region is not None and region.name not in annex1:
            row.problem("IMPORT_REGION_NOT_ALLOWED", "region", f"{region.name} 不是附件1的考核地区")
        status = row.parsed("status", parse_status)
        replacement = parse_replacement(None)
        if row.raw("coal_replacement") is not None:
            replacement = row.parsed("coal_replacement", parse_replacement) or replacement
        values = dict(
            industry_code=row.text("industry_code"), industry_name=row.text("industry_name"),
            product=row.parsed("product", _product_code), capacity=row.number("capacity"),
            capacity_unit=row.text("capacity_unit"), unit_consumption=row.number("unit_consumption", negative=True),
            energy_calorific_tce=row.number("energy_calorific_tce"), energy_primary_tce=row.number("energy_primary_tce"),
            coal_t=row.number("coal_t"), replacement_source=row.text("replacement_source"),
            review_number=row.text("review_number"), review_date=row.date("review_date"), actions=row.text("actions"),
        )
        if name is not None:
            if name in seen:
                row.problem("KEY_UNIT_DUPLICATE_ROW", "name", f"{name}（与第 {seen[name]} 行重复）", name)
            seen.setdefault(name, row.row_number)
        if row.problems:
            problems.extend(row.problems)
            continue
        assert name and region and status
        result.append(ProjectRow(name=name, credit_code=code, region=region.name, status=status,
                                 coal_replacement=replacement, **values))  # type: ignore[arg-type]
    if problems:
        raise EcerError(problems)
    return result
