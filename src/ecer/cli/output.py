"""How every command prints: a Rich table for people, one JSON array for programs.

Contract (issue 2 §1): ``--json`` prints one JSON array, numbers as JSON numbers whatever the
internal type, keys in snake_case; stream decoders print JSON Lines instead.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from ecer.domain.errors import EcerError


def jsonable(value: Any) -> Any:
    """Decimals become JSON numbers (ints when integral), dates ISO strings, enums their values."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < Decimal("1e15"):
            return int(value)
        return float(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump(mode="python"))
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def print_json(rows: Iterable[Any]) -> None:
    sys.stdout.write(json.dumps(jsonable(list(rows)), ensure_ascii=False, indent=2) + "\n")


def print_json_line(row: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(row), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def console(stderr: bool = False) -> Console:
    """A console bound to the current streams (tests redirect them)."""
    return Console(file=sys.stderr if stderr else sys.stdout, soft_wrap=True)


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("—" if v is None else str(v) for v in row))
    out = console()
    if not out.is_terminal:  # a pipe or a file: do not squeeze Chinese columns into 80 characters
        out.width = max(out.width, 160)
    out.print(table)


def fail(error: EcerError, as_json: bool) -> None:
    """Report every problem and exit 1 (bad input) or 2 (usage or state)."""
    if as_json:
        print_json(p.as_dict() for p in error.problems)
    else:
        err = console(stderr=True)
        for p in error.problems:
            err.print(f"[bold red]{p.code}[/] {p.message}", highlight=False)
    raise typer.Exit(error.exit_code)
