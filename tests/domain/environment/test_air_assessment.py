"""Period evaluation (HJ 663-2013) and ranking (环办监测〔2018〕19号), hand-worked on a synthetic June.

June 2024 (30 days), day i = 1…30: SO2 10, NO2 20, PM10 50, PM2.5 19 + i (20…49), CO i/10 (0.1…3.0),
O3_8h 100 + 2i (102…160). Secondary limits (GB 3095-2012 表1): SO2 60, NO2 40, PM10 70, PM2.5 35,
CO 4 (24 h), O3 160 (8 h).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecer.domain.environment.air_assessment import (
    enough_days,
    period_statistics,
    rank_regions,
    region_days,
    round_statistic,
)

D = Decimal


def june(days: range = range(1, 31)) -> dict[dt.date, dict[str, Decimal]]:
    return {
        dt.date(2024, 6, i): {"SO2": D(10), "NO2": D(20), "PM10": D(50), "PM2_5": D(19 + i),
                              "CO": D(i) / 10, "O3_8h": D(100 + 2 * i)}
        for i in days
    }


@pytest.fixture(scope="module")
def stats():
    return period_statistics(june(), 2024, 6)


def test_pm25_mean_rounds_half_to_even(stats) -> None:
    """Mean of 20…49 is 34.5; GB/T 8170 rounds half to even → 34 (not 35)."""
    assert stats.means["PM2_5"] == D(34)


def test_co_95th_percentile(stats) -> None:
    """k = 1 + 29 × 0.95 = 28.55; X(28) + (X(29) − X(28)) × 0.55 = 2.8 + 0.055 = 2.855 → 2.9 mg/m³."""
    assert stats.co_p95 == D("2.9")


def test_o3_90th_percentile(stats) -> None:
    """k = 1 + 29 × 0.9 = 27.1; X(27) = 154, X(28) = 156 → 154.2 → 154 μg/m³."""
    assert stats.o3_8h_p90 == D(154)


def test_comprehensive_index(stats) -> None:
    """10/60 + 20/40 + 50/70 + 34/35 + 2.9/4 + 154/160 = 0.1667 + 0.5 + 0.7143 + 0.9714 + 0.725 + 0.9625
    = 4.0399 → 4.04."""
    assert stats.comprehensive_index == D("4.04")


def test_good_days(stats) -> None:
    """The worst day (30th): PM2.5 49 → IAQI 68, CO 3.0 → 75, O3_8h 160 → 100: every day is good (≤ 100)."""
    assert (stats.valid_days, stats.good_days, stats.good_day_share) == (30, 30, D(1))


def test_heavy_pollution_day() -> None:
    """PM2.5 151 μg/m³ on 1 June: IAQI = (300 − 200)/(250 − 150) × (151 − 150) + 200 = 201 > 200: heavy."""
    days = june()
    days[dt.date(2024, 6, 1)] = {**days[dt.date(2024, 6, 1)], "PM2_5": D(151)}
    result = period_statistics(days, 2024, 6)
    assert (result.heavy_pollution_days, result.daily_aqi[dt.date(2024, 6, 1)].aqi) == (1, 201)


def test_aqi_of_200_is_not_heavy() -> None:
    """PM2.5 150 μg/m³ gives IAQI exactly 200: 中度污染, not heavy."""
    days = june()
    days[dt.date(2024, 6, 1)] = {**days[dt.date(2024, 6, 1)], "PM2_5": D(150)}
    assert period_statistics(days, 2024, 6).heavy_pollution_days == 0


def test_day_missing_a_pollutant_is_not_a_valid_day() -> None:
    days = june()
    del days[dt.date(2024, 6, 3)]["NO2"]
    result = period_statistics(days, 2024, 6)
    assert (result.valid_days, result.daily_aqi[dt.date(2024, 6, 3)]) == (29, None)


def test_month_needs_27_valid_days() -> None:
    """GB 3095-2012 表4: 27 daily values make a monthly statistic, 26 do not."""
    assert period_statistics(june(range(1, 28)), 2024, 6).means["SO2"] == D(10)
    short = period_statistics(june(range(1, 27)), 2024, 6)
    assert short.means["SO2"] is None
    assert short.invalid["SO2"] == "有效日数不足：6月 26 天"
    assert short.comprehensive_index is None


def test_february_needs_25_valid_days() -> None:
    dates = [dt.date(2024, 2, d) for d in range(1, 26)]
    assert enough_days(dates, 2024, 2) is None
    assert enough_days(dates[:-1], 2024, 2) == "有效日数不足：2月 24 天"


def test_year_needs_324_valid_days() -> None:
    """Every month at 27 days gives 324 (12 × 27) and a valid year; one day less in a 28-day month fails."""
    dates = [dt.date(2024, m, d) for m in range(1, 13) for d in range(1, 28)]
    assert enough_days(dates, 2024) is None
    assert enough_days(dates[1:], 2024).startswith("有效日数 323 < 324")


def test_round_co_to_one_decimal() -> None:
    assert (round_statistic("CO", D("1.25")), round_statistic("CO", D("1.35"))) == (D("1.2"), D("1.4"))


def test_region_days_average_the_stations() -> None:
    a = {dt.date(2024, 6, 1): {"PM2_5": D(30), "SO2": None}}
    b = {dt.date(2024, 6, 1): {"PM2_5": D(41), "SO2": D(8)}}
    assert region_days([a, b])[dt.date(2024, 6, 1)] == {"PM2_5": D("35.5"), "SO2": D(8)}


def test_ranking_shares_ranks_on_ties() -> None:
    """〔2018〕19号: ascending by index, equal indices tie; the next rank skips (1, 2, 2, 4)."""
    assert rank_regions({"A": D("3.1"), "B": D("2.9"), "C": D("3.1"), "D": D("4.2"), "E": None}) == {
        "A": 2, "B": 1, "C": 2, "D": 4, "E": None}
