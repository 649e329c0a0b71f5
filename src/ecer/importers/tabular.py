"""Read a workbook (.xlsx) or a CSV (UTF-8 with or without BOM, or GB18030) into header-mapped rows.

Importers work in stages (after SEED): read raw cells → map headers to fields → check every
cell, collecting every problem → only then write, all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ecer.domain.errors import EcerError, Location, Problem


@dataclass(frozen=True)
class Column:
    """One column of an import format: its Chinese header, English alias and rules."""

    key: str
    header_zh: str
    required: bool = False
    kind: str = "text"  # text | number | integer
    note_zh: str = ""

    @property
    def header(self) -> str:
        return f"{self.header_zh} [{self.key}]"


@dataclass
class RawTable:
    file: str
    sheet: str | None
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (1-based row number in the file, cells)


def _normalise(header: str) -> str:
    text = str(header or "").strip().replace("（", "(").replace("）", ")").replace("，", ",").replace("　", "")
    text = re.sub(r"\s+", "", text)
    return text.lower()


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    suffix = path.suffix.lower()
    if not path.exists():
        raise EcerError("IMPORT_FILE_UNREADABLE", "文件不存在", file=str(path))
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    raise EcerError("IMPORT_UNSUPPORTED_FORMAT", suffix or "(无扩展名)", file=str(path))


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence that is not truncated
        raise EcerError("IMPORT_FILE_UNREADABLE", "无法识别文件编码（应为 UTF-8 或 GB18030）", file=str(path))
    reader = csv.reader(io.StringIO(text))
    lines = list(reader)
    if not lines:
        raise EcerError("IMPORT_EMPTY", file=str(path))
    rows = [(n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)]
    return RawTable(str(path), None, lines[0], rows)


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise EcerError("IMPORT_FILE_UNREADABLE", f"{exc.__class__.__name__}", file=str(path)) from exc
    try:
        names = workbook.sheetnames
        name = sheet or next((n for n in names if n not in ("说明", "instructions")), names[0])
        worksheet = workbook[name]
        values = [list(r) for r in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not values:
        raise EcerError("IMPORT_EMPTY", file=str(path), sheet=name)
    headers = ["" if h is None else str(h) for h in values[0]]
    rows = [
        (n, cells)
        for n, cells in enumerate(values[1:], start=2)
        if any(c is not None and str(c).strip() for c in cells)
    ]
    return RawTable(str(path), name, headers, rows)


def map_headers(table: RawTable, columns: Sequence[Column]) -> tuple[dict[str, int], list[Problem]]:
    """Field key → column index; a header matches by its Chinese text, its alias or both."""
    lookup: dict[str, Column] = {}
    for col in columns:
        for form in (col.header_zh, col.key, col.header):
            lookup[_normalise(form)] = col
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for index, header in enumerate(table.headers):
        if not str(header).strip():
            continue
        col = lookup.get(_normalise(header))
        where = Location(file=table.file, sheet=table.sheet, row=1, column=_column_letter(index), value=header)
        if col is None:
            problems.append(Problem("IMPORT_UNKNOWN_COLUMN", str(header), where))
        elif col.key in found:
            problems.append(Problem("IMPORT_DUPLICATE_COLUMN", str(header), where))
        else:
            found[col.key] = index
    for col in columns:
        if col.required and col.key not in found:
            problems.append(
                Problem("IMPORT_MISSING_COLUMN", col.header, Location(file=table.file, sheet=table.sheet, row=1))
            )
    return found, problems


def column_letter_for(mapping: dict[str, int], key: str) -> str | None:
    return _column_letter(mapping[key]) if key in mapping else None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_decimal(value: Any) -> Decimal:
    """A number as the cell shows it: floats from Excel go through repr, so 1.1 stays 1.1."""
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "")
    result = Decimal(text)
    if not result.is_finite():
        raise InvalidOperation
    return result
