"""XLSX export of any table: a title row, headers with units, number formats, frozen header.

Every table of the web pages and the reports is exported through :func:`write_xlsx`, so headers
carry their unit (``能源消费总量（万吨标准煤）``), fractions show as percentages and numbers keep
their precision (a Decimal is written as a number, never as text).

    >>> from io import BytesIO
    >>> cols = [XlsxColumn("region", "地区"), XlsxColumn("gap", "差距", kind="percent")]
    >>> data = write_xlsx(BytesIO(), [XlsxTable("晴雨表", cols, [{"region": "永吉县", "gap": Decimal("-0.01")}])])
    >>> len(data) > 0
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, Literal

Kind = Literal["text", "integer", "number", "percent", "date"]
NUMBER_FORMATS: dict[str, str] = {
    "integer": "0",
    "number": "#,##0.00",
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
    "text": "@",
}


@dataclass(frozen=True)
class XlsxColumn:
    """One column: its key in the rows, Chinese header, unit and kind (decides the number format)."""

    key: str
    header_zh: str
    unit: str | None = None
    kind: Kind = "text"
    number_format: str | None = None  # overrides the kind's default, e.g. "0.0000"
    width: int | None = None

    @property
    def header(self) -> str:
        return f"{self.header_zh}（{self.unit}）" if self.unit else self.header_zh

    @property
    def format(self) -> str:
        return self.number_format or NUMBER_FORMATS[self.kind]


@dataclass
class XlsxTable:
    """One sheet: title, columns, rows (mappings by column key) and optional notes under the table."""

    title: str
    columns: Sequence[XlsxColumn]
    rows: Sequence[Mapping[str, Any]]
    notes: Sequence[str] = field(default_factory=list)
    sheet_name: str | None = None


def _cell_value(value: Any, column: XlsxColumn) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if column.kind == "integer" else float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return value


def _safe_sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        candidate = f"{clean[:28]}_{n}"
        n += 1
    used.add(candidate)
    return candidate


def write_xlsx(target: str | Path | BinaryIO, tables: Sequence[XlsxTable]) -> bytes:
    """Write the tables, one per sheet, to a path or a binary stream; returns the file's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    thin = Side(style="thin", color="808080")
    for table in tables:
        sheet = workbook.create_sheet(_safe_sheet_name(table.sheet_name or table.title, used))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([c.header for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        # Each column's cell style is set once and copied: openpyxl hashes every style assigned, and
        # sheet.max_row scans every cell, which made a 3,000-row export take seconds.
        styles: list[Any] = []
        for number, row in enumerate(table.rows, start=3):
            sheet.append([_cell_value(row.get(c.key), c) for c in table.columns])
            for index, column in enumerate(table.columns, start=1):
                cell = sheet.cell(number, index)
                if cell.data_type == "f":  # text such as a return reason starting with "=" stays text, never a formula
                    cell.data_type = "s"
                if len(styles) >= index:
                    cell._style = copy(styles[index - 1])
                    continue
                if column.kind != "text":
                    cell.number_format = column.format
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
                styles.append(copy(cell._style))
        for note in table.notes:
            sheet.append([note])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width or max(10, len(column.header) * 2 + 2)
        sheet.freeze_panes = "A3"
    buffer = BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if isinstance(target, (str, Path)):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_bytes(data)
    else:
        target.write(data)
    return data
