"""Appendix B's code table: monitoring factors, process-monitoring factors and on-site information.

Loaded from ``ecer/data/hj212_2017_codes.csv``. The table also carries the 原编码 column, the code
HJ/T 212-2005 used, which is how 2005-style packets are mapped onto 2017 codes. Codes printed with
``x``/``xx`` (B.5, B.7, B.10) are patterns where each ``x`` stands for one digit of an equipment number.

References
----------
.. [1] HJ 212-2017, Appendix B (normative), Tables B.1, B.2, B.3, B.5, B.7, B.10.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DATA_FILE = "hj212_2017_codes.csv"


@dataclass(frozen=True)
class Code:
    """One row of Appendix B."""

    code: str
    name_zh: str
    old_code: str | None
    unit: str | None
    emission_unit: str | None
    data_type: str | None
    table: str


class CodeTable:
    """Look codes up by their 2017 spelling (exact or ``xx`` pattern) or by their 2005 原编码."""

    def __init__(self, rows: list[Code]) -> None:
        self.rows = tuple(rows)
        self._exact: dict[str, Code] = {}
        self._patterns: dict[tuple[str, int], Code] = {}
        self._old: dict[str, str] = {}
        for row in rows:
            stem = row.code.rstrip("x")
            if stem != row.code:
                self._patterns.setdefault((stem, len(row.code) - len(stem)), row)
            else:
                self._exact.setdefault(row.code, row)
            if row.old_code:
                self._old.setdefault(row.old_code, row.code)

    def get(self, code: str) -> Code | None:
        """The row for ``code``; ``e10101`` finds the pattern row ``e101xx``."""
        row = self._exact.get(code)
        if row is not None:
            return row
        for width in (2, 1):
            if len(code) > width and code[-width:].isdigit():
                row = self._patterns.get((code[:-width], width))
                if row is not None:
                    return row
        return None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def from_old(self, old_code: str) -> str | None:
        """The 2017 code for a 2005 原编码 (``011`` → ``w01018``), or ``None``."""
        return self._old.get(old_code)

    @property
    def old_codes(self) -> dict[str, str]:
        return dict(self._old)


def _blank(text: str) -> str | None:
    text = text.strip()
    return text or None


@lru_cache(maxsize=1)
def load_codes() -> CodeTable:
    """The code table shipped with ECER (read once)."""
    text = resources.files("ecer.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = [
        Code(
            code=r["code"],
            name_zh=r["name_zh"],
            old_code=_blank(r["old_code"]),
            unit=_blank(r["unit"]),
            emission_unit=_blank(r["emission_unit"]),
            data_type=_blank(r["data_type"]),
            table=r["table"],
        )
        for r in csv.DictReader(lines)
    ]
    return CodeTable(rows)
