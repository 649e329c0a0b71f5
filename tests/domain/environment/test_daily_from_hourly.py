"""Daily values from hourly ones: GB 3095-2012 表4 validity and the HJ 663-2013 daily maximum 8-hour ozone."""

from __future__ import annotations

from decimal import Decimal

from ecer.domain.environment.daily import daily_from_hourly, daily_max_8h_ozone, eight_hour_means

D = Decimal


def test_24h_mean_of_20_hours_counts() -> None:
    """GB 3095-2012 表4: 20 valid hours make the 24-hour mean; hours 0–19 of 10…29 → 19.5."""
    day = daily_from_hourly({h: {"SO2": D(10 + h)} for h in range(20)})
    assert day.values["SO2"] == D("19.5")


def test_24h_mean_of_19_hours_is_invalid_not_filled() -> None:
    day = daily_from_hourly({h: {"SO2": D(10)} for h in range(19)})
    assert day.values["SO2"] is None
    assert day.invalid["SO2"] == "有效小时数 19 < 20"


def test_a_pollutant_never_measured_is_absent_not_invalid() -> None:
    day = daily_from_hourly({h: {"SO2": D(10)} for h in range(24)})
    assert day.values["NO2"] is None
    assert "NO2" not in day.invalid


def test_first_8h_window_is_hours_0_to_7() -> None:
    """Window 1 (ending 8时) averages hours 0–7: 0…7 → 3.5."""
    means = eight_hour_means({h: D(h) for h in range(24)})
    assert means[0] == D("3.5")


def test_last_8h_window_is_hours_16_to_23() -> None:
    """Window 17 (ending 24时) averages hours 16–23 → 19.5; there are 17 windows."""
    means = eight_hour_means({h: D(h) for h in range(24)})
    assert (len(means), means[-1]) == (17, D("19.5"))


def test_8h_window_needs_6_hours() -> None:
    """Hours 0–7 with 2 missing (6 valid) still give a mean; 3 missing (5 valid) do not."""
    six = {h: D(100) for h in range(2, 8)}
    five = {h: D(100) for h in range(3, 8)}
    assert eight_hour_means(six)[0] == D(100)
    assert eight_hour_means(five)[0] is None


def test_valid_8h_windows_when_the_last_hours_are_missing() -> None:
    """Hours 0–20 valid: windows 0–13 have 8 hours, 14 has 7, 15 has 6, 16 only 5 → 16 valid windows."""
    hours = {h: D(50 + h) for h in range(21)}
    assert sum(1 for m in eight_hour_means(hours) if m is not None) == 16


def test_daily_max_8h_with_16_windows() -> None:
    """Same day: the largest mean is window 15, hours 15–20 (values 65…70) → 67.5."""
    hours = {h: D(50 + h) for h in range(21)}
    assert daily_max_8h_ozone(hours) == D("67.5")


def test_daily_max_8h_invalid_with_13_windows() -> None:
    """Hours 0–17 only: windows 0–12 have ≥ 6 valid hours (window 12: hours 12–17), 13 windows < 14."""
    hours = {h: D(60) for h in range(18)}
    assert sum(1 for m in eight_hour_means(hours) if m is not None) == 13
    assert daily_max_8h_ozone(hours) is None


def test_daily_max_8h_above_limit_counts_with_few_windows() -> None:
    """HJ 663-2013: with < 14 valid 8-hour means the maximum still counts when it exceeds 160 μg/m³."""
    hours = {h: D(170) for h in range(18)}
    assert daily_max_8h_ozone(hours) == D(170)


def test_daily_o3_1h_is_the_maximum_hour() -> None:
    day = daily_from_hourly({h: {"O3_1h": D(40 + 3 * h)} for h in range(24)})
    assert day.values["O3_1h"] == D(40 + 3 * 23)
