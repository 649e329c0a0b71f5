"""Typed reading of one mapped row, collecting every problem with its file, sheet, row and column.

Every workbook importer (statistics, indicator values, key units, energy reports, two-high projects,
budgets, environment stations and readings) reads its rows through this one reader, so a problem is
reported the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ecer.domain.errors import EcerError, Location, Problem
from ecer.importers.tabular import Column, RawTable, cell_text, column_letter_for, parse_decimal

T = TypeVar("T")


class RowCells:
    """The cells of one row by field key; every getter records a problem instead of raising."""

    def __init__(self, table: RawTable, columns: Sequence[Column], mapping: dict[str, int], number: int,
                 cells: list[Any]) -> None:
        self.table, self.columns, self.mapping, self.row_number, self.cells = table, columns, mapping, number, cells
        self.problems: list[Problem] = []

    def where(self, key: str, value: Any = None) -> Location:
        letter = column_letter_for(self.mapping, key)
        header = next(c.header_zh for c in self.columns if c.key == key)
        return Location(self.table.file, self.table.sheet, self.row_number,
                        f"{letter} {header}" if letter else header, key, value)

    def raw(self, key: str) -> Any:
        index = self.mapping.get(key)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        return None if value is None or cell_text(value) == "" else value

    def problem(self, code: str, key: str, detail: str = "", value: Any = None) -> None:
        self.problems.append(Problem(code, detail, self.where(key, value)))

    def _required(self, key: str) -> Any:
        value = self.raw(key)
        column = next(c for c in self.columns if c.key == key)
        if value is None and column.required:
            self.problem("IMPORT_REQUIRED_VALUE", key, column.header_zh)
        return value

    def text(self, key: str) -> str | None:
        value = self._required(key)
        return None if value is None else cell_text(value)

    def number(self, key: str, *, negative: bool = False) -> Decimal | None:
        value = self._required(key)
        if value is None:
            return None
        try:
            number = parse_decimal(value)
        except (InvalidOperation, ValueError):
            self.problem("IMPORT_NOT_A_NUMBER", key, cell_text(value), value)
            return None
        if number < 0 and not negative:
            self.problem("IMPORT_NEGATIVE_VALUE", key, cell_text(value), value)
            return None
        return number

    def integer(self, key: str, low: int, high: int, code: str) -> int | None:
        value = self._required(key)
        if value is None:
            return None
        try:
            number = parse_decimal(value)
            if number != int(number) or not low <= int(number) <= high:
                raise ValueError
        except (InvalidOperation, ValueError):
            self.problem(code, key, cell_text(value), value)
            return None
        return int(number)

    def date(self, key: str) -> dt.date | None:
        value = self._required(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(cell_text(value))
        except ValueError:
            self.problem("IMPORT_BAD_DATE", key, cell_text(value), value)
            return None

    def parsed(self, key: str, parse: Callable[[str], T]) -> T | None:
        """A text cell through a domain parser that raises ``EcerError``; its code is kept."""
        text = self.text(key)
        if text is None:
            return None
        try:
            return parse(text)
        except EcerError as exc:
            for p in exc.problems:
                self.problem(p.code, key, p.detail, text)
            return None

    def boolean(self, key: str) -> bool:
        text = (self.text(key) or "").lower()
        return text in ("是", "yes", "true", "1", "y")


def rows_of(table: RawTable, columns: Sequence[Column], mapping: dict[str, int]) -> list[RowCells]:
    return [RowCells(table, columns, mapping, n, cells) for n, cells in table.rows]
