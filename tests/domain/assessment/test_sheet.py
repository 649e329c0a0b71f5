"""A whole score sheet: who decides each item, the total, veto and rating."""

import datetime as dt
from decimal import Decimal as D

from ecer.domain.assessment.completion import Completion, year_intensity_completion
from ecer.domain.assessment.rubric import load_rubric
from ecer.domain.assessment.sheet import AutoScore, HumanScore, score_sheet
from ecer.domain.assessment.timeliness import alarm_handling_score, deadline, timeliness_score

RUBRIC = load_rubric("energy-2021")
FULL_MEASURES = {m.code: HumanScore(review_points=m.max_points) for m in RUBRIC.measures}


def _sheet(change: str, human=None, auto=None):
    completion = year_intensity_completion(D(change), D("0.03"), 2024)
    return score_sheet(RUBRIC, {"intensity_target": completion}, auto or {}, human or {})


def test_full_marks_with_bonus():
    """Fell 3.9 % vs 3 % → 130 %: 40 + 9 bonus + 60 measures = 109, 超额完成."""
    sheet = _sheet("-0.039", FULL_MEASURES)
    assert sheet.score == 109
    assert sheet.rating == "超额完成"
    assert not sheet.vetoed


def test_items_add_up_to_the_score():
    sheet = _sheet("-0.033", FULL_MEASURES)
    assert sheet.score == sum(i.points for i in sheet.items)
    assert [i.points for i in sheet.items[:2]] == [40, 3]


def test_measure_points_decide_the_band():
    """40 points for the target, 40 of 60 for measures → 80: 完成; 39.99 of 60 → 79.99: 基本完成."""
    measures = {m.code: HumanScore(review_points=m.max_points) for m in RUBRIC.measures}
    measures["organisation"] = HumanScore(review_points=D(0))
    measures["technology"] = HumanScore(review_points=D(0))
    measures["law_enforcement"] = HumanScore(review_points=D(0))
    measures["target_breakdown"] = HumanScore(review_points=D(4))
    sheet = _sheet("-0.0305", measures)  # 101.7 %: no bonus
    assert sheet.score == 80 and sheet.rating == "完成"
    measures["target_breakdown"] = HumanScore(review_points=D("3.99"))
    sheet = _sheet("-0.0305", measures)
    assert sheet.score == D("79.99") and sheet.rating == "基本完成"


def test_veto_overrides_a_high_score():
    """Fell 2.9 % vs 3 % → 96.7 %: 36 + 60 = 96, but vetoed → 未完成."""
    sheet = _sheet("-0.029", FULL_MEASURES)
    assert sheet.score == 96
    assert sheet.vetoed and sheet.rating == "未完成"


def test_self_assessment_counts_until_reviewed():
    sheet = _sheet("-0.03", {"organisation": HumanScore(self_points=D(5), self_comment="成立领导小组")})
    item = next(i for i in sheet.items if i.code == "organisation")
    assert (item.points, item.source) == (5, "self")
    sheet = _sheet("-0.03", {"organisation": HumanScore(self_points=D(5), review_points=D(4))})
    item = next(i for i in sheet.items if i.code == "organisation")
    assert (item.points, item.source) == (4, "review")


def test_auto_item_without_data_scores_zero_until_overridden():
    sheet = _sheet("-0.03")
    item = next(i for i in sheet.items if i.code == "key_units")
    assert (item.points, item.source) == (0, "none")
    assert "暂无数据" in item.basis
    sheet = _sheet("-0.03", {"key_units": HumanScore(review_points=D(7), review_comment="现场核查")})
    item = next(i for i in sheet.items if i.code == "key_units")
    assert (item.points, item.source) == (7, "override")


def test_auto_item_with_data():
    sheet = _sheet("-0.03", auto={"monitoring_alarms": AutoScore(D(3), "全年监测预警 4 次，按时处置 2 次")})
    item = next(i for i in sheet.items if i.code == "monitoring_alarms")
    assert (item.points, item.source) == (3, "auto")


def test_missing_target_data_scores_zero_without_veto():
    sheet = score_sheet(RUBRIC, {"intensity_target": Completion(None, D("0.03"), None, None, "数据不全")})
    assert sheet.items[0].points == 0
    assert not sheet.vetoed


def test_deadlines():
    assert deadline(2024, "04-30") == dt.date(2024, 4, 30)
    assert deadline(2024, "+1-02-28") == dt.date(2025, 2, 28)


def test_timeliness_on_the_deadline_is_on_time():
    """Three of four periods on time (one a day late) → 6 × 3/4 = 4.5 points."""
    submitted = {"一季度": dt.date(2024, 4, 30), "上半年": dt.date(2024, 8, 1), "前三季度": dt.date(2024, 10, 1),
                 "全年": dt.date(2025, 2, 28)}
    score = timeliness_score(2024, RUBRIC.timeliness.deadlines, submitted, D(6))
    assert score.points == D("4.5")
    assert "上半年 2024-08-01 报送，逾期" in score.basis


def test_timeliness_never_submitted_is_late():
    assert timeliness_score(2024, RUBRIC.timeliness.deadlines, {}, D(6)).points == 0


def test_alarm_handling():
    assert alarm_handling_score(None, None, D(6)).points is None
    assert alarm_handling_score(0, 0, D(6)).points == 6
    assert alarm_handling_score(3, 4, D(6)).points == D("4.5")
