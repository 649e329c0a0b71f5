"""Statistical periods: the full year and the year-to-date periods the statistics bureau publishes."""

from __future__ import annotations

from enum import StrEnum

from ecer.domain.errors import EcerError


class Period(StrEnum):
    """全年 and the cumulative year-to-date periods (累计), never single quarters."""

    YEAR = "全年"
    Q1 = "一季度"
    H1 = "上半年"
    Q1_Q3 = "前三季度"

    @property
    def is_year(self) -> bool:
        return self is Period.YEAR


_ALIASES = {
    "全年": Period.YEAR,
    "year": Period.YEAR,
    "一季度": Period.Q1,
    "q1": Period.Q1,
    "上半年": Period.H1,
    "h1": Period.H1,
    "前三季度": Period.Q1_Q3,
    "q1-q3": Period.Q1_Q3,
}


def parse_period(text: str) -> Period:
    """Accept the Chinese names and the English aliases (year, Q1, H1, Q1-Q3), case-insensitively."""
    key = str(text).strip().lower()
    try:
        return _ALIASES[key]
    except KeyError:
        raise EcerError("IMPORT_BAD_PERIOD", f"{text!r}", field="period", value=text) from None
