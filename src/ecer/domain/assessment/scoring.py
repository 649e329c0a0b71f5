"""Points from completion, the over-fulfilment bonus, the total and the rating (考核计分与等级).

- Target items score in steps: the points of the highest step whose ``at`` the completion reaches
  (default table: ≥ 100 % → 40, ≥ 90 % → 36, … ≥ 50 % → 20, below → 0). With ``interpolate`` the
  points rise linearly between two steps that both give points; below the lowest such step the
  step table still applies (below 50 % → 0).
- Bonus: ``points`` per FULL ``per`` of completion above 100 %, at most ``max`` (+3 per full 10 %,
  up to +9: 110 % → +3, 119.9 % → +3, 130 % → +9, 150 % → +9).
- Ratings on half-open bands, highest first: 超额完成 score ≥ 95, 完成 80 ≤ score < 95, 基本完成
  60 ≤ score < 80, 未完成 below 60 — or whenever a veto item was missed.

References
----------
.. [1] 国办发〔2011〕26号 附件 节能目标责任评价考核计分表（40/60 分，超额完成加分，一票否决，四个等级）.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Literal

from ecer.domain.assessment.rubric import Bonus, RatingBand, TargetItem

ONE = Decimal(1)
ZERO = Decimal(0)

Source = Literal["auto", "self", "review", "override", "none"]


@dataclass(frozen=True)
class ItemScore:
    """One line of the score sheet: ``points`` of ``max_points``, and why (``basis``)."""

    code: str
    name: str
    points: Decimal
    max_points: Decimal
    basis: str
    source: Source = "auto"
    vetoed: bool = False


def step_points(completion: Decimal, item: TargetItem, interpolate: bool = False) -> Decimal:
    """Points of a target item for a completion [fraction], in steps or interpolated.

    Examples
    --------
    >>> from ecer.domain.assessment.rubric import load_rubric
    >>> target = load_rubric("energy-2021").targets[0]
    >>> step_points(Decimal("0.95"), target), step_points(Decimal("0.95"), target, interpolate=True)
    (Decimal('36'), Decimal('38.0'))
    """
    steps = item.steps
    for k, step in enumerate(steps):
        if completion >= step.at:
            if not interpolate or k == 0 or step.points == 0:
                return step.points
            upper = steps[k - 1]
            share = (completion - step.at) / (upper.at - step.at)
            return step.points + share * (upper.points - step.points)
    return ZERO


def bonus_points(completion: Decimal, bonus: Bonus | None) -> Decimal:
    """``points`` per full ``per`` above 100 %, capped at ``max``.

    Examples
    --------
    >>> b = Bonus(per=Decimal("0.10"), points=Decimal(3), max=Decimal(9))
    >>> [bonus_points(Decimal(c), b) for c in ("1.0", "1.0999", "1.1", "1.25", "1.3", "2")]
    [Decimal('0'), Decimal('0'), Decimal('3'), Decimal('6'), Decimal('9'), Decimal('9')]
    """
    if bonus is None or completion <= ONE:
        return ZERO
    full_steps = ((completion - ONE) / bonus.per).to_integral_value(rounding=ROUND_FLOOR)
    return min(bonus.max, full_steps * bonus.points)


def rating(score: Decimal, vetoed: bool, bands: Sequence[RatingBand]) -> str:
    """The band whose ``min`` the score reaches (bands listed highest first); 未完成 when vetoed.

    Examples
    --------
    >>> from ecer.domain.assessment.rubric import load_rubric
    >>> bands = load_rubric().ratings
    >>> [rating(Decimal(s), False, bands) for s in ("95", "94.99", "80", "79.99", "60", "59.99")]
    ['超额完成', '完成', '完成', '基本完成', '基本完成', '未完成']
    """
    if vetoed:
        return "未完成"
    for band in bands:
        if score >= band.min:
            return band.name
    return bands[-1].name


def total(items: Iterable[ItemScore]) -> Decimal:
    return sum((i.points for i in items), ZERO)


def share_points(max_points: Decimal, good: int, total_count: int) -> Decimal:
    """``max_points × good / total``: e.g. on-time submissions out of those due. [points]"""
    if total_count <= 0:
        return max_points
    return max_points * Decimal(good) / Decimal(total_count)
