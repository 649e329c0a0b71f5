"""Hand-worked scores at every boundary of the default rubric (国办发〔2011〕26号 计分表, issue 7 §1)."""

from decimal import Decimal as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecer.domain.assessment.completion import (
    period_intensity_completion,
    pollutant_completion,
    year_intensity_completion,
)
from ecer.domain.assessment.rubric import Bonus, load_rubric
from ecer.domain.assessment.scoring import bonus_points, rating, step_points

RUBRIC = load_rubric("energy-2021")
TARGET = RUBRIC.targets[0]
BONUS = TARGET.bonus


@pytest.mark.parametrize(("completion", "points"), [
    ("1.00", 40), ("0.9999", 36), ("0.90", 36), ("0.8999", 32), ("0.80", 32), ("0.7999", 28), ("0.70", 28),
    ("0.6999", 24), ("0.60", 24), ("0.5999", 20), ("0.50", 20), ("0.4999", 0), ("0", 0), ("1.5", 40),
])
def test_steps_at_every_boundary(completion, points):
    """≥100 % → 40, ≥90 % → 36, ≥80 % → 32, ≥70 % → 28, ≥60 % → 24, ≥50 % → 20, below 50 % → 0."""
    assert step_points(D(completion), TARGET) == D(points)


@pytest.mark.parametrize(("completion", "points"), [
    ("0.95", "38"), ("0.85", "34"), ("0.55", "22"), ("0.49", "0"), ("1.0", "40"), ("0.9", "36"),
])
def test_interpolation_between_steps(completion, points):
    """Interpolated: 95 % lies halfway between 36 and 40 → 38; below 50 % stays 0."""
    assert step_points(D(completion), TARGET, interpolate=True) == D(points)


@pytest.mark.parametrize(("completion", "bonus"), [
    ("1.00", 0), ("1.0999", 0), ("1.10", 3), ("1.1999", 3), ("1.20", 6), ("1.2999", 6), ("1.30", 9), ("2.00", 9),
    ("0.5", 0),
])
def test_bonus_per_full_ten_percent_up_to_nine(completion, bonus):
    """+3 per full 10 % over-fulfilment, up to +9."""
    assert bonus_points(D(completion), BONUS) == D(bonus)


@pytest.mark.parametrize(("score", "expected"), [
    ("109", "超额完成"), ("95", "超额完成"), ("94.99", "完成"), ("80", "完成"), ("79.99", "基本完成"),
    ("60", "基本完成"), ("59.99", "未完成"), ("0", "未完成"),
])
def test_rating_half_open_bands(score, expected):
    """超额完成 ≥ 95, 完成 80 ≤ s < 95, 基本完成 60 ≤ s < 80, 未完成 < 60."""
    assert rating(D(score), False, RUBRIC.ratings) == expected


def test_veto_rates_unfinished_whatever_the_score():
    assert rating(D(100), True, RUBRIC.ratings) == "未完成"


def test_year_completion_hand_worked():
    """Intensity fell 3.6 % against an annual target of 3 % → completion 120 %, not vetoed."""
    c = year_intensity_completion(D("-0.036"), D("0.03"), 2024)
    assert c.achieved == D("0.036")
    assert c.completion == D("1.2")
    assert c.vetoed is False


def test_year_completion_short_of_target_is_vetoed():
    """Fell 2.7 % against 3 % → completion 90 % (36 points) and the veto."""
    c = year_intensity_completion(D("-0.027"), D("0.03"), 2024)
    assert c.completion == D("0.9")
    assert c.vetoed is True
    assert step_points(c.completion, TARGET) == 36


def test_year_completion_when_intensity_rose():
    """Intensity rose 1.8 % → completion negative: 0 points, vetoed."""
    c = year_intensity_completion(D("0.018"), D("0.03"), 2024)
    assert c.completion == D("-0.6")
    assert c.vetoed is True
    assert "上升" in c.basis


def test_year_completion_missing_data():
    c = year_intensity_completion(None, D("0.03"), 2024)
    assert c.completion is None and c.vetoed is None


def test_whole_period_veto_exactly_at_the_basic_target():
    """R = R* = 14.5 % is met (R < R* vetoes); R = 14.49 % is vetoed."""
    assert period_intensity_completion(D("0.145"), D("0.145"), 2020, 2025).vetoed is False
    assert period_intensity_completion(D("0.1449"), D("0.145"), 2020, 2025).vetoed is True


def test_pollutant_completion_against_linear_progress():
    """COD target 400 t, 2024 requires 4/5 → 320 t; 288 t reduced → 90 %."""
    c = pollutant_completion("化学需氧量", D(288), D(400), D("0.8"), 2024)
    assert c is not None
    assert c.target == D(320)
    assert c.completion == D("0.9")
    assert c.vetoed is True


def test_pollutant_without_target_does_not_apply():
    assert pollutant_completion("挥发性有机物", D(0), D(0), D("0.8"), 2024) is None


@given(st.decimals(min_value=0, max_value=3, places=4))
@example(D("1.1"))
def test_step_points_never_exceed_max_and_rise_with_completion(c):
    points = step_points(c, TARGET)
    assert 0 <= points <= TARGET.max_points
    assert step_points(c + D("0.05"), TARGET) >= points


@given(st.decimals(min_value=0, max_value=3, places=4))
def test_bonus_is_a_multiple_of_three_at_most_nine(c):
    b = bonus_points(c, Bonus(per=D("0.10"), points=D(3), max=D(9)))
    assert b in (0, 3, 6, 9)
