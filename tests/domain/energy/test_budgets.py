"""Seasonal year-end forecast from the unit's own history, and the budget warning levels."""

from decimal import Decimal

from ecer.domain.energy.budgets import (
    BudgetLevel,
    Forecast,
    budget_status,
    forecast_from_period_shares,
    forecast_year_end,
    seasonal_share,
)

# A heating-season profile: Jan–Mar and Nov–Dec 12 each, Apr–Oct 8 each: 60 + 56 = 116 a year.
PROFILE = {m: Decimal(12 if m in (1, 2, 3, 11, 12) else 8) for m in range(1, 13)}


def test_seasonal_share_of_the_first_quarter():
    """36 of 116 by March: 0.3103…"""
    assert seasonal_share({2023: PROFILE}, 3) == Decimal(36) / Decimal(116)


def test_incomplete_years_do_not_count():
    partial = {m: Decimal(1) for m in range(1, 7)}
    assert seasonal_share({2022: partial}, 3) is None


def test_seasonal_forecast_hand_worked():
    """This year Jan–Mar 13 each = 39; 39 / (36/116) = 125.666… tce."""
    forecast = forecast_year_end({1: Decimal(13), 2: Decimal(13), 3: Decimal(13)}, {2023: PROFILE})
    assert forecast.method == "seasonal"
    assert forecast.to_date == 39
    assert forecast.year_end == Decimal(39) / (Decimal(36) / Decimal(116))
    assert round(forecast.year_end, 3) == Decimal("125.667")


def test_two_years_average_their_shares():
    """Shares 36/116 and 0.25 average to 0.2801…; 39 over it."""
    flat = {m: Decimal(10) for m in range(1, 13)}
    forecast = forecast_year_end({1: Decimal(13), 2: Decimal(13), 3: Decimal(13)}, {2022: flat, 2023: PROFILE})
    share = (Decimal(36) / Decimal(116) + Decimal("0.25")) / 2
    assert forecast.year_end == Decimal(39) / share


def test_linear_without_history():
    forecast = forecast_year_end({1: Decimal(10), 2: Decimal(10), 3: Decimal(10), 4: Decimal(10)}, {})
    assert (forecast.method, forecast.year_end) == ("linear", Decimal(120))


def test_period_share_forecast():
    assert forecast_from_period_shares(Decimal(50), [Decimal("0.48"), Decimal("0.52")]).year_end == 100
    assert forecast_from_period_shares(Decimal(50), []) is None


def test_levels():
    def level(to_date: str, year_end: str) -> BudgetLevel:
        return budget_status(Decimal(100), Forecast(Decimal(to_date), 6, Decimal(year_end), "seasonal")).level

    assert level("40", "90") is BudgetLevel.OK
    assert level("40", "90.1") is BudgetLevel.ATTENTION
    assert level("40", "100") is BudgetLevel.ATTENTION
    assert level("40", "100.1") is BudgetLevel.FORECAST_OVER
    assert level("100.1", "150") is BudgetLevel.EXCEEDED


def test_remaining_and_margin():
    status = budget_status(Decimal(100), Forecast(Decimal(40), 6, Decimal(110), "seasonal"))
    assert (status.remaining, status.forecast_margin) == (Decimal(60), Decimal(-10))
    assert budget_status(Decimal(100), None).level is BudgetLevel.OK
