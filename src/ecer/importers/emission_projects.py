"""The key emission-reduction project workbook: one row per project, parameters in one cell.

The parameters cell is written ``name[key]=value unit; …`` (see
:mod:`ecer.domain.pollutants.parameter_text`), e.g. ``Q=2 万m³/d; C_in[COD]=250 mg/L; C_out[COD]=50 mg/L``.
A clerk copies the line for the project's type from the instructions sheet and changes the
numbers; the claimed reduction is computed from it, never typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ecer.domain.errors import EcerError, Location, Problem
from ecer.domain.pollutants.formulas import FormulaSet, load_formulas
from ecer.domain.pollutants.parameter_text import parse_parameters, parse_quantity, split_items
from ecer.domain.pollutants.reductions import claimed_reduction
from ecer.importers.tabular import Column, RawTable, cell_text, column_letter_for, map_headers, read_table

SHEET = "重点减排工程"
GRAM = Decimal("0.000001")  # t
STATUSES = {"计划": "planned", "在建": "under_construction", "已投运": "commissioned", "已取消": "cancelled"}
STATUS_ZH = {v: k for k, v in STATUSES.items()}
POLLUTANT_ALIASES = {
    "COD": "COD", "化学需氧量": "COD", "NH3N": "NH3N", "NH3-N": "NH3N", "氨氮": "NH3N", "NOX": "NOx",
    "氮氧化物": "NOx", "VOCS": "VOCs", "挥发性有机物": "VOCs",
}

COLUMNS = (
    Column("code", "项目编号", True, note_zh="每个项目唯一，如 JL-2022-001；再次导入同一编号即新增一条修订"),
    Column("name", "项目名称", True),
    Column("region", "所属地区", True, note_zh="附件2中的地区名称或行政区划代码（含“市本级”）；不能填“吉林市”"),
    Column("owner", "责任单位", True, note_zh="项目业主或责任单位"),
    Column("project_type", "工程类型", True, note_zh="类型代码或中文名称，见本说明的“工程类型与核算参数”"),
    Column("parameters", "核算参数", True,
           note_zh="名称[污染物或序号]=数值 单位，以分号分隔；复制本说明中该类型的示例行后修改数值"),
    Column("pollutants", "削减污染物", False, note_zh="可省略；填写时须与核算参数算出的污染物一致，如 COD、NH3N"),
    Column("start_date", "开工日期", False, note_zh="YYYY-MM-DD、YYYY-MM 或 YYYY"),
    Column("commissioning_date", "投运日期", False, note_zh="已投运项目必填；自投运年度起计入累计减排量"),
    Column("status", "项目状态", True, note_zh="计划、在建、已投运、已取消（只有已投运项目计入）"),
    Column("evidence", "佐证材料", False, note_zh="验收文件、排污许可证、监测报告等，文件名或编号以分号分隔"),
    Column("offsets", "替代使用量", False,
           note_zh="用作新建、改扩建项目替代（抵扣）的减排量，如 COD=12 t; NOx=3 t；从所属地区累计减排量中扣除"),
    Column("offset_year", "替代使用年份", False, "integer", "填写替代使用量时必填"),
    Column("offset_for", "替代对象", False, note_zh="使用该替代量的新建或改扩建项目名称"),
    Column("note", "备注", False),
)


@dataclass(frozen=True)
class ProjectRecord:
    """A checked project row, ready to store (built by the importer or ``projects add``)."""

    code: str
    name: str
    region: str
    region_code: str | None
    owner: str
    project_type: str
    pollutants: tuple[str, ...]
    parameters: str
    claimed_t: dict[str, Decimal]
    start_date: dt.date | None
    commissioning_date: dt.date | None
    project_status: str
    evidence: str | None = None
    offsets_t: dict[str, Decimal] | None = None
    offset_year: int | None = None
    offset_for: str | None = None
    note: str | None = None
    source_row: int | None = None

    def content_hash(self) -> str:
        values = {k: v for k, v in self.__dict__.items() if k != "source_row"}
        return hashlib.sha256(json.dumps(values, sort_keys=True, default=_text).encode()).hexdigest()


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def read_projects(path: Path, plan: Any, formulas: FormulaSet | None = None) -> list[ProjectRecord]:
    """Every problem in the file at once, or the checked projects; nothing is written here."""
    return check_projects(read_table(path), plan, formulas)


def parse_date(value: Any) -> dt.date:
    """A date cell: an Excel date, or text ``2023-06-30``, ``2023/6/30``, ``2023-06``, ``2023年6月``, ``2023``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?-?", text)
    if match is None:
        raise ValueError(text)
    return dt.date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))


def parse_pollutants(text: str) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[、,，;；/\s]+", text.strip()) if p]
    return tuple(POLLUTANT_ALIASES.get(p.upper(), POLLUTANT_ALIASES.get(p, p)) for p in parts)


def parse_offsets(text: str, field: str) -> dict[str, Decimal]:
    """``COD=12 t; NOx=3 t`` → tonnes per pollutant (a bare number is read as t)."""
    result: dict[str, Decimal] = {}
    problems: list[Problem] = []
    for item in split_items(text):
        name, _, raw = item.partition("=")
        pol = POLLUTANT_ALIASES.get(name.strip().upper(), POLLUTANT_ALIASES.get(name.strip()))
        try:
            if pol is None or not raw.strip():
                raise EcerError("PROJECT_OFFSET_INVALID", f"{item!r}（应为 污染物=数量 t）", field=field, value=item)
            value = parse_quantity(raw, f"{field}[{pol}]")
            tonnes = value if isinstance(value, Decimal) else Decimal(str(value.to("metric_ton").magnitude))
            if tonnes < 0:
                raise EcerError("PROJECT_OFFSET_INVALID", f"{pol} 替代量不能为负", field=field, value=item)
            result[pol] = result.get(pol, Decimal(0)) + tonnes
        except EcerError as err:
            problems.extend(err.problems)
        except Exception as exc:  # pint.DimensionalityError: not a mass
            problems.append(Problem("PROJECT_OFFSET_INVALID", f"{item!r} 应为质量（t）",
                                    Location(field=field, value=item)))
            del exc
    if problems:
        raise EcerError(problems)
    return result


def check_projects(table: RawTable, plan: Any, formulas: FormulaSet | None = None) -> list[ProjectRecord]:
    """Check every row against the plan's Annex 2 regions and the formula file."""
    formulas = formulas or load_formulas()
    mapping, problems = map_headers(table, COLUMNS)
    if problems:
        raise EcerError(problems)
    if not table.rows:
        raise EcerError("IMPORT_EMPTY", file=table.file, sheet=table.sheet)
    seen: dict[str, int] = {}
    records: list[ProjectRecord] = []
    for row_number, cells in table.rows:
        before = len(problems)
        record = _check_row(table, mapping, row_number, cells, plan, formulas, problems)
        if record is not None and len(problems) == before:
            if record.code in seen:
                problems.append(Problem("PROJECT_DUPLICATE_CODE", f"{record.code}（与第 {seen[record.code]} 行重复）",
                                        _where(table, mapping, row_number, "code", record.code)))
                continue
            seen[record.code] = row_number
            records.append(record)
    if problems:
        raise EcerError(problems)
    return records


def _where(table: RawTable, mapping: dict[str, int], row: int, key: str, value: Any,
           field: str | None = None) -> Location:
    letter = column_letter_for(mapping, key)
    header = next(c.header_zh for c in COLUMNS if c.key == key)
    return Location(table.file, table.sheet, row, f"{letter} {header}" if letter else header, field or key, value)


def _check_row(table: RawTable, mapping: dict[str, int], row: int, cells: list[Any], plan: Any,
               formulas: FormulaSet, problems: list[Problem]) -> ProjectRecord | None:
    def cell(key: str) -> Any:
        index = mapping.get(key)
        if index is None or index >= len(cells) or cells[index] is None or cell_text(cells[index]) == "":
            return None
        return cells[index]

    def bad(code: str, detail: str, key: str, value: Any = None, field: str | None = None) -> None:
        problems.append(Problem(code, detail, _where(table, mapping, row, key, value, field)))

    def relocate(err: EcerError, key: str) -> None:
        for p in err.problems:
            field = f"{key}.{p.location.field}" if p.location.field else key
            problems.append(Problem(p.code, p.detail, _where(table, mapping, row, key, p.location.value, field)))

    text: dict[str, str] = {}
    for col in COLUMNS:
        raw = cell(col.key)
        if raw is None:
            if col.required:
                bad("IMPORT_REQUIRED_VALUE", col.header_zh, col.key)
            continue
        text[col.key] = cell_text(raw)
    region = _region(plan, text.get("region"), lambda code, detail: bad(code, detail, "region", text.get("region")))
    spec = None
    if "project_type" in text:
        try:
            spec = _formula(formulas, text["project_type"])
        except EcerError as err:
            relocate(err, "project_type")
    claimed: dict[str, Decimal] = {}
    if spec is not None and "parameters" in text:
        try:
            claimed = claimed_reduction(spec.code, parse_parameters(text["parameters"], spec), formulas=formulas)
            claimed = {pol: _tonnes(value) for pol, value in claimed.items()}
        except EcerError as err:
            relocate(err, "parameters")
    if claimed and "pollutants" in text:
        listed = parse_pollutants(text["pollutants"])
        if set(listed) != set(claimed):
            bad("PROJECT_POLLUTANTS_MISMATCH", f"填写 {'、'.join(listed)}，参数给出 {'、'.join(claimed)}",
                "pollutants", text["pollutants"])
    dates: dict[str, dt.date | None] = {}
    for key in ("start_date", "commissioning_date"):
        raw = cell(key)
        try:
            dates[key] = None if raw is None else parse_date(raw)
        except ValueError:
            bad("PROJECT_DATE_INVALID", cell_text(raw), key, raw)
            dates[key] = None
    status = None
    if "status" in text:
        status = STATUSES.get(text["status"], text["status"] if text["status"] in STATUS_ZH else None)
        if status is None:
            bad("PROJECT_STATUS_INVALID", text["status"], "status", text["status"])
    if status == "commissioned" and dates.get("commissioning_date") is None and cell("commissioning_date") is None:
        bad("PROJECT_COMMISSIONING_REQUIRED", text.get("code", ""), "commissioning_date")
    start, commissioning = dates.get("start_date"), dates.get("commissioning_date")
    if start and commissioning and commissioning < start:
        bad("PROJECT_SCHEDULE_INVALID", f"开工 {start}，投运 {commissioning}", "commissioning_date", commissioning)
    offsets, offset_year = _offsets(text, claimed, plan, bad)
    if region is None or spec is None or status is None or not claimed:
        return None
    return ProjectRecord(
        code=text["code"], name=text["name"], region=region.name, region_code=region.code, owner=text["owner"],
        project_type=spec.code, pollutants=tuple(claimed), parameters="; ".join(split_items(text["parameters"])),
        claimed_t=claimed, start_date=start, commissioning_date=commissioning, project_status=status,
        evidence=text.get("evidence"), offsets_t=offsets or None, offset_year=offset_year,
        offset_for=text.get("offset_for"), note=text.get("note"), source_row=row,
    )


def _tonnes(value: Decimal) -> Decimal:
    """Kept to the gram (10⁻⁶ t), so both databases store the same figure."""
    return value.quantize(GRAM).normalize() if value != 0 else Decimal(0)


def _region(plan: Any, text: str | None, bad: Callable[[str, str], None]) -> Any:
    if text is None:
        return None
    try:
        region = plan.region(text)
    except EcerError:
        bad("IMPORT_UNKNOWN_REGION", text)
        return None
    annex2 = {r.name for r in plan.annex2_regions()}
    if region.name not in annex2 or region == plan.city:
        bad("IMPORT_REGION_NOT_ALLOWED",
            f"{region.name} 不是附件2的县区（含市本级）；全市合计由各县区汇总，项目须归属一个县区或市本级")
        return None
    return region


def _formula(formulas: FormulaSet, text: str) -> Any:
    for spec in formulas.types.values():
        if text in (spec.code, spec.name_zh):
            return spec
    return formulas.get(text)  # raises REDUCTION_TYPE_UNKNOWN listing the codes


def _offsets(text: dict[str, str], claimed: dict[str, Decimal], plan: Any,
             bad: Callable[..., None]) -> tuple[dict[str, Decimal], int | None]:
    offsets: dict[str, Decimal] = {}
    if "offsets" in text:
        try:
            offsets = parse_offsets(text["offsets"], "offsets")
        except EcerError as err:
            for p in err.problems:
                bad(p.code, p.detail, "offsets", p.location.value)
        for pol, amount in offsets.items():
            if claimed and pol not in claimed:
                bad("PROJECT_OFFSET_INVALID", f"本项目不削减 {pol}", "offsets", text["offsets"])
            elif pol in claimed and amount > claimed[pol]:
                bad("PROJECT_OFFSET_INVALID", f"{pol} 替代量 {amount} t 超过本项目年减排量 {claimed[pol]} t",
                    "offsets", text["offsets"])
    year = None
    if "offset_year" in text:
        try:
            year = int(Decimal(text["offset_year"]))
            if not plan.metadata.base_year < year <= plan.metadata.target_year + 10:
                raise ValueError
        except (InvalidOperation, ValueError):
            bad("IMPORT_BAD_YEAR", text["offset_year"], "offset_year", text["offset_year"])
            year = None
    if offsets and "offset_year" not in text:
        bad("PROJECT_OFFSET_INVALID", "填写替代使用量时须填写替代使用年份", "offset_year")
    if "offset_year" in text and "offsets" not in text:
        bad("PROJECT_OFFSET_INVALID", "填写了替代使用年份但没有替代使用量", "offsets")
    return offsets, year
