"""Periodic evaluation helpers: GB 3095-2012 validity counts, HJ 663-2013 percentiles, 综合指数."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecer.domain.environment.evaluation import (
    co_95th_percentile,
    comprehensive_index,
    daily_max_8h,
    good_day_share,
    heavy_pollution_days,
    mean_if_valid,
    o3_8h_90th_percentile,
    percentile,
    single_indices,
)
from ecer.domain.errors import EcerError

D = Decimal


def test_24h_mean_needs_20_hourly_values() -> None:
    """GB 3095-2012 表4: 20 valid hours make a 24-hour mean; 19 do not."""
    twenty = [D("10")] * 20 + [None] * 4
    nineteen = [D("10")] * 19 + [None] * 5
    assert mean_if_valid(twenty, 20) == D("10")
    assert mean_if_valid(nineteen, 20) is None


def test_8h_mean_needs_6_hourly_values() -> None:
    assert mean_if_valid([D("100")] * 5 + [D("130")] + [None, None], 6) == D("105")
    assert mean_if_valid([D("100")] * 5 + [None] * 3, 6) is None


def test_daily_max_8h_needs_14_valid_means() -> None:
    assert daily_max_8h([D(v) for v in range(14)]) == D("13")
    assert daily_max_8h([D(v) for v in range(13)] + [None]) is None


def test_percentile_worked_example() -> None:
    """HJ 663-2013 method, n = 10 values 1…10, p = 90: k = 1 + 9×0.9 = 9.1, s = 9 → 9 + (10−9)×0.1 = 9.1."""
    values = [D(v) for v in range(10, 0, -1)]
    assert percentile(values, 90) == D("9.1")


def test_percentile_ends() -> None:
    values = [D("3"), None, D("1"), D("2")]
    assert percentile(values, 0) == D("1")
    assert percentile(values, 100) == D("3")
    assert percentile(values, 50) == D("2")


def test_o3_and_co_statistics() -> None:
    """O3: 90th percentile of daily max 8h; CO: 95th percentile of daily means (HJ 663-2013)."""
    o3 = [D(v) for v in range(100, 121)]  # 21 days: k = 1 + 20×0.9 = 19 → X(19) = 118
    assert o3_8h_90th_percentile(o3) == D("118")
    co = [D("0.5")] * 19 + [D("1.5")]  # n = 20: k = 1 + 19×0.95 = 19.05 → 0.5 + 1.0×0.05 = 0.55
    assert co_95th_percentile(co) == D("0.55")


def test_no_valid_values_refused() -> None:
    with pytest.raises(EcerError) as refused:
        percentile([None, None], 90)
    assert refused.value.code == "ENV_NO_VALID_DATA"


def test_good_day_share_and_heavy_days() -> None:
    """Valid days 8 (two missing): AQI ≤ 100 on 5 → 62.5 %; AQI > 200 on 201 and 350 → 2 heavy days."""
    aqis = [20, 50, 100, 101, None, 201, 350, 80, 99, None]
    assert good_day_share(aqis) == D("62.5")
    assert heavy_pollution_days(aqis) == 2


def test_comprehensive_index_worked_example() -> None:
    """环办监测〔2018〕19号 method, a published monthly example: PM2.5 21, PM10 39, SO2 9, NO2 15 μg/m³,
    O3 90th pct 192 μg/m³, CO 95th pct 0.7 mg/m³ → 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.06."""
    stats = {"PM2_5": D("21"), "PM10": D("39"), "SO2": D("9"), "NO2": D("15"), "O3": D("192"), "CO": D("0.7")}
    parts = single_indices(stats)
    assert parts["PM2_5"] == D("0.6")
    assert parts["O3"] == D("1.2")
    assert parts["CO"] == D("0.175")
    assert round(comprehensive_index(stats), 2) == D("3.06")


def test_comprehensive_index_needs_all_six() -> None:
    with pytest.raises(EcerError) as refused:
        comprehensive_index({"PM2_5": D("21")})
    assert refused.value.code == "INPUT_MISSING"
