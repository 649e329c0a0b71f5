"""A region's score sheet: target items from completion, measure items from data or reviewers.

Who decides a measure item's points, in order: the reviewer (审核分, also the override of an
automatically scored item), else the district's self-assessment (自评分, a proposal until
reviewed), else the data (auto), else nothing (0 points, basis says why). Target items are
scored from the data only; a wrong figure is corrected in the statistics, not in the sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ecer.domain.assessment.completion import Completion
from ecer.domain.assessment.rubric import Rubric
from ecer.domain.assessment.scoring import ItemScore, bonus_points, rating, step_points, total

ZERO = Decimal(0)
NO_DATA = "暂无数据"


@dataclass(frozen=True)
class AutoScore:
    """An automatically scored measure item; ``points`` None means there is no data yet."""

    points: Decimal | None
    basis: str


@dataclass(frozen=True)
class HumanScore:
    """What the district proposed and what the reviewer decided for one item."""

    self_points: Decimal | None = None
    self_comment: str | None = None
    review_points: Decimal | None = None
    review_comment: str | None = None


@dataclass(frozen=True)
class ScoreSheet:
    items: list[ItemScore]
    score: Decimal
    rating: str
    vetoed: bool


def _target_items(rubric: Rubric, completions: Mapping[str, Completion | None]) -> tuple[list[ItemScore], bool]:
    items: list[ItemScore] = []
    vetoed = False
    for item in rubric.targets:
        found = completions.get(item.code, Completion(None, ZERO, None, None, f"{NO_DATA}"))
        bonus = ZERO
        if found is None:  # no target of this kind for the region
            items.append(ItemScore(item.code, item.name, item.max_points, item.max_points, "无此项目标，不适用"))
        else:
            points = ZERO if found.completion is None else step_points(max(found.completion, ZERO), item,
                                                                        rubric.interpolate)
            hit = bool(item.veto and found.vetoed)
            vetoed = vetoed or hit
            items.append(ItemScore(item.code, item.name, points, item.max_points, found.basis,
                                   "auto" if found.completion is not None else "none", hit))
            if found.completion is not None:
                bonus = bonus_points(found.completion, item.bonus)
        if item.bonus is not None:
            basis = f"超额完成 {bonus / item.bonus.points * item.bonus.per * 100:.0f}% 以上" if bonus else "未超额 10% 以上"
            items.append(ItemScore(f"{item.code}_bonus", f"{item.name}超额完成加分", bonus, item.bonus.max, basis))
    return items, vetoed


def _measure_item(code: str, name: str, max_points: Decimal, method: str, auto: AutoScore | None,
                  human: HumanScore) -> ItemScore:
    if human.review_points is not None:
        comment = human.review_comment or "审核评分"
        if method != "reviewer":
            automatic = auto.basis if auto is not None else NO_DATA
            return ItemScore(code, name, human.review_points, max_points, f"审核调整：{comment}（自动计分：{automatic}）",
                             "override")
        return ItemScore(code, name, human.review_points, max_points, f"审核：{comment}", "review")
    if method != "reviewer":
        if auto is None or auto.points is None:
            reason = auto.basis if auto is not None else "相关模块尚无数据"
            return ItemScore(code, name, ZERO, max_points, f"{NO_DATA}（{reason}），待审核人员评分", "none")
        return ItemScore(code, name, auto.points, max_points, auto.basis, "auto")
    if human.self_points is not None:
        return ItemScore(code, name, human.self_points, max_points, f"自评（待审核）：{human.self_comment or '—'}", "self")
    return ItemScore(code, name, ZERO, max_points, "未评分", "none")


def score_sheet(
    rubric: Rubric,
    completions: Mapping[str, Completion | None],
    auto: Mapping[str, AutoScore] | None = None,
    human: Mapping[str, HumanScore] | None = None,
) -> ScoreSheet:
    """Score every item of ``rubric``; the total, the veto and the rating.

    Parameters
    ----------
    completions : mapping item code → Completion, or None where the item does not apply
    auto : mapping item code → AutoScore for measure items scored from data
    human : mapping item code → HumanScore (self-assessment and review)
    """
    auto = auto or {}
    human = human or {}
    items, vetoed = _target_items(rubric, completions)
    for m in rubric.measures:
        items.append(_measure_item(m.code, m.name, m.max_points, m.method, auto.get(m.code),
                                   human.get(m.code, HumanScore())))
    score = total(items)
    return ScoreSheet(items, score, rating(score, vetoed, rubric.ratings), vetoed)
