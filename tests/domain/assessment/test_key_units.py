"""The 重点用能单位节能管理 item from data (rubric energy-2021 v2 ``key_units``), hand-worked figures."""

import datetime as dt
from decimal import Decimal as D

from ecer.domain.assessment.key_units import UnitStanding, key_units_score, report_deadline, reported_on_time
from ecer.domain.assessment.rubric import load_rubric

RULE = load_rubric("energy-2021").key_units
ALL_ON_TIME = {m: report_deadline(2024, m, 15) for m in range(1, 13)}


def test_rubric_thresholds():
    """The rubric file carries the thresholds: due on the 15th of the next month, half and half."""
    assert (RULE.report_due_day, RULE.report_weight, RULE.budget_weight) == (15, D("0.5"), D("0.5"))
    assert load_rubric("energy-2021").version == 2


def test_deadline_of_december_is_next_january():
    assert report_deadline(2024, 12, 15) == dt.date(2025, 1, 15)
    assert report_deadline(2024, 1, 15) == dt.date(2024, 2, 15)


def test_on_the_deadline_is_on_time_a_day_later_is_not():
    assert reported_on_time(2024, ALL_ON_TIME, 15, dt.date(2026, 1, 1))
    late = {**ALL_ON_TIME, 7: dt.date(2024, 8, 16)}
    assert not reported_on_time(2024, late, 15, dt.date(2026, 1, 1))


def test_missing_month_is_late_unless_not_yet_due():
    without_dec = {m: d for m, d in ALL_ON_TIME.items() if m != 12}
    assert not reported_on_time(2024, without_dec, 15, dt.date(2025, 1, 15))  # December due that day
    assert reported_on_time(2024, without_dec, 15, dt.date(2025, 1, 14))  # not yet due


def test_drafts_do_not_count_is_the_callers_rule_so_never_submitted_is_none():
    assert not reported_on_time(2024, {**ALL_ON_TIME, 3: None}, 15, dt.date(2026, 1, 1))


def test_hand_worked_score():
    """8 × (0.5 × 3/4 + 0.5 × 1/2) = 8 × 0.625 = 5 points."""
    units = [UnitStanding("甲", True, True), UnitStanding("乙", True, False), UnitStanding("丙", True, None),
             UnitStanding("丁", False, None)]
    score = key_units_score(units, RULE, D(8))
    assert score.points == 5
    assert "重点用能单位 4 家，能源月报按时报送 3 家" in score.basis
    assert "有用能预算 2 家，预计未超预算 1 家" in score.basis
    assert "未按时报送：丁" in score.basis and "预计超预算：乙" in score.basis


def test_without_budgets_reporting_carries_all_points():
    """No unit has a budget: 8 × 1/2 = 4."""
    score = key_units_score([UnitStanding("甲", True, None), UnitStanding("乙", False, None)], RULE, D(8))
    assert score.points == 4


def test_no_units_in_region_full_points_no_module_no_data():
    assert key_units_score([], RULE, D(8)).points == 8
    assert key_units_score(None, RULE, D(8)).points is None


def test_weights_must_add_up(tmp_path):
    import pytest

    from ecer.domain.assessment.rubric import KeyUnitRule

    with pytest.raises(ValueError):
        KeyUnitRule(report_due_day=15, report_weight=D("0.6"), budget_weight=D("0.5"))
