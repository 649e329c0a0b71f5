"""Versioned reference tables: one CSV per source table, found by the standard it transcribes.

Each CSV starts with ``# …`` provenance lines. Some of them are ``# name: value`` directives the
loader reads: ``id`` (the standard id callers pass, e.g. ``GB/T 2589-2020``), ``key`` (the column
whose values must be unique), and ``decimal`` / ``integer`` / ``boolean`` (comma-separated column
names; booleans are written ``true``/``false``).
A new table needs no code here: drop the CSV in this folder with an ``# id:`` line.

    >>> table = load_table(standard="GB/T 2589-2020")
    >>> table.row("electricity")["value"]
    Decimal('0.1229')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from types import MappingProxyType

from ecer.domain.errors import EcerError

DATA_DIR = Path(__file__).resolve().parent
_DIRECTIVE = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Table:
    """A parsed reference table; rows are read-only mappings, numbers are ``Decimal``/``int``."""

    standard: str
    path: Path
    provenance: tuple[str, ...]
    directives: Mapping[str, str]
    columns: tuple[str, ...]
    key: str
    rows: tuple[Mapping[str, object], ...]

    def row(self, key: object) -> Mapping[str, object]:
        """The row whose key column equals ``key``; ``KeyError`` when absent."""
        for row in self.rows:
            if row[self.key] == key:
                return row
        raise KeyError(key)

    @property
    def keys(self) -> tuple[object, ...]:
        return tuple(row[self.key] for row in self.rows)


def _invalid(path: Path, detail: str, row: int | None = None, column: str | None = None,
             value: object = None) -> EcerError:
    return EcerError("COEFFICIENT_TABLE_INVALID", detail, file=path.name, row=row, column=column, value=value)


def _header(path: Path) -> tuple[list[str], dict[str, str]]:
    """The leading ``#`` lines of a CSV (without the ``#``) and the directives among them."""
    lines: list[str] = []
    directives: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line[1:].strip())
            match = _DIRECTIVE.match(line.rstrip("\n"))
            if match:
                directives[match.group(1)] = match.group(2)
    return lines, directives


def _names(directive: str | None) -> set[str]:
    return {name.strip() for name in (directive or "").split(",") if name.strip()}


def _parse_cell(path: Path, text: str, column: str, line: int, decimals: set[str],
                integers: set[str], booleans: set[str]) -> object:
    text = text.strip()
    if text == "":
        return None
    if column in booleans:
        if text.casefold() not in ("true", "false"):
            raise _invalid(path, "应为 true 或 false", line, column, text)
        return text.casefold() == "true"
    if column in integers:
        try:
            return int(text)
        except ValueError as exc:
            raise _invalid(path, "不是整数", line, column, text) from exc
    if column in decimals:
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise _invalid(path, "不是有效的数字", line, column, text) from exc
        if not number.is_finite():
            raise _invalid(path, "不是有限的数字", line, column, text)
        return number
    return text


def read_table(path: str | Path) -> Table:
    """Read and validate one reference CSV (also a user's own copy, e.g. local coal rates).

    Raises ``EcerError('COEFFICIENT_TABLE_INVALID')`` naming file, line and column when a number
    does not parse, a row has the wrong width, the key column is missing, blank or repeated.
    """
    path = Path(path)
    provenance, directives = _header(path)
    if not any(line.startswith("source") for line in provenance):
        raise _invalid(path, "缺少 # source: 出处说明行")
    decimals, integers = _names(directives.get("decimal")), _names(directives.get("integer"))
    booleans = _names(directives.get("boolean"))
    with path.open(encoding="utf-8", newline="") as handle:
        numbered = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    reader = csv.reader(line for _, line in numbered)
    try:
        columns = tuple(c.strip() for c in next(reader))
    except StopIteration as exc:
        raise _invalid(path, "没有表头") from exc
    key = directives.get("key", columns[0])
    for name in (key, *decimals, *integers, *booleans):
        if name not in columns:
            raise _invalid(path, f"声明的列不存在：{name}", column=name)
    rows: list[Mapping[str, object]] = []
    seen: set[object] = set()
    for (line, _), cells in zip(numbered[1:], reader, strict=False):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise _invalid(path, f"应有 {len(columns)} 列，实有 {len(cells)} 列", line)
        row = {c: _parse_cell(path, v, c, line, decimals, integers, booleans)
               for c, v in zip(columns, cells, strict=True)}
        if row[key] is None or row[key] in seen:
            raise _invalid(path, "键值为空或重复", line, key, row[key])
        seen.add(row[key])
        rows.append(MappingProxyType(row))
    standard = directives.get("id", path.stem)
    return Table(standard, path, tuple(provenance), MappingProxyType(directives), columns, key, tuple(rows))


def available_tables() -> dict[str, Path]:
    """Standard id → CSV file, for every table shipped in this folder."""
    found: dict[str, Path] = {}
    for path in sorted(DATA_DIR.glob("*.csv")):
        _, directives = _header(path)
        standard = directives.get("id")
        if standard:
            found[standard] = path
    return found


@cache
def load_table(standard: str) -> Table:
    """The reference table transcribing ``standard`` (e.g. ``"GB/T 2589-2020"``).

    Raises ``EcerError('DATA_TABLE_UNKNOWN')`` listing the valid ids when there is none.
    """
    tables = available_tables()
    if standard not in tables:
        valid = "、".join(sorted(tables))
        detail = f"{standard!r}；可用：{valid}"
        raise EcerError("DATA_TABLE_UNKNOWN", detail, field="standard", value=standard)
    return read_table(tables[standard])
