"""Online energy data (能耗在线监测): data-quality checks and reconciliation of meters, reports and statistics.

Readings are period totals: a ``day`` reading stamped at 00:00 holds that day's consumption, a
``month`` reading stamped on the 1st holds the month's. The checks are those of the national key-unit
online monitoring platform (重点用能单位能耗在线监测系统), as ECER issue 4 §6 lists them:

- completeness: at least 90 % of the expected daily readings of the month;
- daily vs monthly: the sum of the days differs from the month's reading by at most 5 %;
- timestamp tolerance: a daily reading within 1 minute of 00:00, a monthly one within 1 day of the 1st.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

COMPLETENESS_MIN = Decimal("0.90")
DEVIATION_MAX = Decimal("0.05")
DAILY_TOLERANCE = dt.timedelta(minutes=1)
MONTHLY_TOLERANCE = dt.timedelta(days=1)
RECONCILE_TOLERANCE = Decimal("0.05")  # ECER's choice: the same 5 % as daily vs monthly


@dataclass(frozen=True)
class Reading:
    meter: str
    at: dt.datetime  # naive local time (Beijing time, as the gateways send it)
    period: str  # day | month
    value: Decimal


def nominal_start(reading: Reading) -> dt.datetime:
    """The period start a reading is taken to stand for (rounded to the nearest day / month start)."""
    at = reading.at
    day = dt.datetime(at.year, at.month, at.day)
    if reading.period == "day":
        return day + dt.timedelta(days=1) if at - day > dt.timedelta(hours=12) else day
    first = dt.datetime(at.year, at.month, 1)
    nxt = dt.datetime(at.year + (at.month == 12), at.month % 12 + 1, 1)
    return nxt if nxt - at < at - first else first


def timestamp_ok(reading: Reading) -> bool:
    """Within 1 minute of 00:00 (daily) or 1 day of the month's first day 00:00 (monthly)."""
    tolerance = DAILY_TOLERANCE if reading.period == "day" else MONTHLY_TOLERANCE
    return abs(reading.at - nominal_start(reading)) <= tolerance


@dataclass(frozen=True)
class MonthQuality:
    meter: str
    year: int
    month: int
    expected_days: int
    daily_readings: int
    completeness: Decimal
    completeness_ok: bool
    daily_sum: Decimal
    monthly_value: Decimal | None
    deviation: Decimal | None  # (Σ daily − monthly) / monthly
    deviation_ok: bool | None
    bad_timestamps: int

    @property
    def ok(self) -> bool:
        return self.completeness_ok and self.deviation_ok is not False and self.bad_timestamps == 0


def month_quality(meter: str, year: int, month: int, readings: Iterable[Reading]) -> MonthQuality:
    """The three checks for one meter and month.

    Examples
    --------
    >>> days = [Reading("M1", dt.datetime(2024, 2, d), "day", Decimal(10)) for d in range(1, 28)]
    >>> q = month_quality("M1", 2024, 2, [*days, Reading("M1", dt.datetime(2024, 2, 1), "month", Decimal(300))])
    >>> q.completeness, q.completeness_ok, q.deviation
    (Decimal('0.9310344827586206896551724138'), True, Decimal('-0.1'))
    """
    expected = calendar.monthrange(year, month)[1]
    days: dict[dt.date, Decimal] = {}
    monthly: Decimal | None = None
    bad = 0
    for r in readings:
        if r.meter != meter:
            continue
        start = nominal_start(r)
        if not timestamp_ok(r):
            bad += 1
        if r.period == "day" and (start.year, start.month) == (year, month):
            days[start.date()] = r.value
        elif r.period == "month" and (start.year, start.month) == (year, month):
            monthly = r.value
    count = len(days)
    completeness = Decimal(count) / Decimal(expected)
    daily_sum = sum(days.values(), Decimal(0))
    deviation = (daily_sum - monthly) / monthly if monthly else None
    return MonthQuality(meter, year, month, expected, count, completeness, completeness >= COMPLETENESS_MIN,
                        daily_sum, monthly, deviation, None if deviation is None else abs(deviation) <= DEVIATION_MAX,
                        bad)


@dataclass(frozen=True)
class Discrepancy:
    """Two sources of the same figure that disagree by more than the tolerance."""

    subject: str  # e.g. "91220200…… 2024-03 electricity" or a region
    left_source: str
    left_value: Decimal
    right_source: str
    right_value: Decimal
    difference: Decimal  # left − right
    relative: Decimal | None  # (left − right) / right


def compare(subject: str, left: tuple[str, Decimal | None], right: tuple[str, Decimal | None],
            tolerance: Decimal = RECONCILE_TOLERANCE) -> Discrepancy | None:
    """A discrepancy when both values exist and differ by more than ``tolerance`` of the right one.

    Examples
    --------
    >>> compare("x", ("meters", Decimal(106)), ("report", Decimal(100))).relative
    Decimal('0.06')
    >>> compare("x", ("meters", Decimal(104)), ("report", Decimal(100))) is None
    True
    """
    (ln, lv), (rn, rv) = left, right
    if lv is None or rv is None:
        return None
    diff = lv - rv
    relative = diff / rv if rv else None
    if (relative is None and diff != 0) or (relative is not None and abs(relative) > tolerance):
        return Discrepancy(subject, ln, lv, rn, rv, diff, relative)
    return None


def reconcile(rows: Sequence[tuple[str, tuple[str, Decimal | None], tuple[str, Decimal | None]]],
              tolerance: Decimal = RECONCILE_TOLERANCE) -> list[Discrepancy]:
    """Every pair that disagrees, in input order."""
    found = (compare(s, left, right, tolerance) for s, left, right in rows)
    return [d for d in found if d is not None]
