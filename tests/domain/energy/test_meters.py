"""The national platform's data-quality checks and the reconciliation comparison."""

import datetime as dt
from decimal import Decimal

import pytest

from ecer.domain.energy.meters import Reading, compare, month_quality, reconcile, timestamp_ok


def days(n: int, value: str = "10", month: int = 4) -> list[Reading]:
    return [Reading("M1", dt.datetime(2024, month, d), "day", Decimal(value)) for d in range(1, n + 1)]


def monthly(value: str, at: dt.datetime = dt.datetime(2024, 4, 1)) -> Reading:
    return Reading("M1", at, "month", Decimal(value))


def test_completeness_at_exactly_90_percent_passes():
    """April has 30 days: 27 readings = 0.9 ≥ 90 %."""
    q = month_quality("M1", 2024, 4, days(27))
    assert (q.expected_days, q.daily_readings, q.completeness, q.completeness_ok) == (30, 27, Decimal("0.9"), True)


def test_completeness_below_90_percent_fails():
    """26 / 30 = 0.8667 < 0.9."""
    assert month_quality("M1", 2024, 4, days(26)).completeness_ok is False


def test_daily_vs_monthly_deviation_edges():
    """Σ daily 300; monthly 285.72 → +5.0 % (ok, ≤ 5 %); 285 → +5.26 % (fails)."""
    ok = month_quality("M1", 2024, 4, [*days(30), monthly("300")])
    assert ok.deviation == 0 and ok.deviation_ok
    near = month_quality("M1", 2024, 4, [*days(30), monthly("315")])
    assert near.deviation == Decimal(-15) / Decimal(315)
    assert near.deviation_ok is True  # |−4.76 %| ≤ 5 %
    over = month_quality("M1", 2024, 4, [*days(30), monthly("285")])
    assert over.deviation == Decimal(15) / Decimal(285) and over.deviation_ok is False


def test_deviation_unknown_without_a_monthly_reading():
    q = month_quality("M1", 2024, 4, days(30))
    assert q.deviation is None and q.deviation_ok is None and q.ok


@pytest.mark.parametrize(("at", "period", "ok"), [
    (dt.datetime(2024, 4, 2, 0, 1, 0), "day", True),
    (dt.datetime(2024, 4, 2, 0, 1, 1), "day", False),
    (dt.datetime(2024, 4, 1, 23, 59, 0), "day", True),  # one minute before the next day's 00:00
    (dt.datetime(2024, 4, 2, 0, 0, 0), "month", True),  # one day after the 1st
    (dt.datetime(2024, 4, 2, 0, 0, 1), "month", False),
    (dt.datetime(2024, 3, 31, 0, 0, 0), "month", True),  # one day before 1 April
])
def test_timestamp_tolerance(at, period, ok):
    """Daily ≤ 1 min from 00:00, monthly ≤ 1 day from the 1st."""
    assert timestamp_ok(Reading("M1", at, period, Decimal(1))) is ok


def test_late_stamp_counts_towards_its_nominal_day_and_is_flagged():
    late = Reading("M1", dt.datetime(2024, 4, 3, 0, 5), "day", Decimal(10))
    q = month_quality("M1", 2024, 4, [*days(2), late])
    assert q.daily_readings == 3 and q.bad_timestamps == 1 and not q.ok


def test_compare_and_reconcile():
    assert compare("x", ("meters", Decimal(105)), ("report", Decimal(100))) is None  # exactly 5 %
    found = compare("x", ("meters", Decimal("105.1")), ("report", Decimal(100)))
    assert found is not None and found.difference == Decimal("5.1") and found.relative == Decimal("0.051")
    assert compare("x", ("meters", Decimal(1)), ("report", None)) is None
    assert compare("x", ("meters", Decimal(1)), ("report", Decimal(0))).relative is None
    rows = [("a", ("m", Decimal(1)), ("r", Decimal(1))), ("b", ("m", Decimal(2)), ("r", Decimal(1)))]
    assert [d.subject for d in reconcile(rows)] == ["b"]
