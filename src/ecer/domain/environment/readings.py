"""Check the header and cells of a table of readings before any index is computed.

Pure text handling: the caller opens the file. Every problem names its row and column, so a
user can find the cell; a blank cell means "not measured", never zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from ecer.domain.errors import EcerError, Location, Problem


def check_header(
    header: Sequence[str], required: Sequence[str], optional: Sequence[str], file: str | None = None
) -> list[str]:
    """The stripped column names, or every header problem at once (row 1)."""
    names = [name.strip().lstrip("\ufeff") for name in header]
    problems: list[Problem] = []
    allowed = set(required) | set(optional)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(Problem("IMPORT_DUPLICATE_COLUMN", name, Location(file=file, row=1, column=name)))
        seen.add(name)
        if name not in allowed:
            hint = "可用列：" + ", ".join([*required, *optional])
            problems.append(Problem("IMPORT_UNKNOWN_COLUMN", f"{name}（{hint}）", Location(file=file, row=1, column=name)))
    for name in required:
        if name not in seen:
            problems.append(Problem("IMPORT_MISSING_COLUMN", name, Location(file=file, row=1, column=name)))
    if problems:
        raise EcerError(problems)
    return names


def parse_value(text: str | None, row: int, column: str, file: str | None = None) -> Decimal | None:
    """A non-negative decimal from a cell, exactly as written; ``None`` for a blank cell."""
    cell = (text or "").strip()
    if not cell:
        return None
    try:
        value = Decimal(cell)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise EcerError("IMPORT_NOT_A_NUMBER", cell, file=file, row=row, column=column, value=cell)
    if value < 0:
        raise EcerError("IMPORT_NEGATIVE_VALUE", cell, file=file, row=row, column=column, value=cell)
    return value


def required_text(text: str | None, row: int, column: str, file: str | None = None) -> str:
    """A cell that must not be blank (station, section, date, kind)."""
    cell = (text or "").strip()
    if not cell:
        raise EcerError("IMPORT_REQUIRED_VALUE", column, file=file, row=row, column=column)
    return cell
