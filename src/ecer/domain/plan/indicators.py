"""How far an indicator has come towards its target, by the indicator's kind.

Four kinds, four rules (``t`` the target value, ``v`` the reported value, ``b`` the baseline):

``reduction_vs_base``
    The plan asks for a change against the base year ("比2020年下降15%"). The *achieved* change
    ``a`` is compared with ``t``. With a baseline (argument, else ``indicator.baseline``) ``v`` is
    the level in ``year`` and ``a`` is derived from it: relative decrease ``(b − v)/b``, relative
    increase ``(v − b)/b``, decrease in points ``b − v``, increase in points ``v − b``
    (``indicator.direction``, ``indicator.change_basis``). Without a baseline ``v`` *is* the change
    achieved so far, as statistical bulletins publish it ("累计下降8.2%" → 0.082).
    progress = a / t; met when ``a`` compares true with ``t`` (default ``>=``).
``level_to_reach``
    A level to reach ("达到80%", "超过30%"). met when ``v`` compares true with ``t`` (default ``>=``).
    progress = (v − b)/(t − b) with a baseline, else v / t (the way from zero).
``ceiling``
    A level not to exceed ("不高于1.3", "降低到300"). met when ``v <= t`` (or the plan's comparison).
    progress = (b − v)/(b − t) when a baseline above the ceiling is known, else None: a ceiling
    has no natural starting point.
``cumulative_amount``
    An amount accumulated over the plan period ("累计减排量10308吨", "新增污水处理能力15万立方米/日").
    ``v`` is the total from the base year through ``year``. progress = v / t; met when ``v >= t``.

Progress is a fraction (1 = target reached), unclamped, so overshoot and regress stay visible.
Percent indicators are held as fractions throughout, so ``v`` for them is a fraction too.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ecer.domain.errors import EcerError
from ecer.domain.plan.model import Indicator

_COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "=": operator.eq,
}


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator's standing in one year."""

    indicator_id: str
    year: int
    value: Decimal
    achieved: Decimal | None
    """What is compared with the target: the change vs the base year for reductions, else the value."""
    progress: Decimal | None
    """Fraction of the way to the target (1 = reached); None when it cannot be defined."""
    met: bool | None
    """Whether the target is satisfied now; None when it cannot be judged."""
    status: str


def achieved_change(indicator: Indicator, level: Decimal, baseline: Decimal) -> Decimal:
    """The change from ``baseline`` to ``level`` in the sense the target is written.

    Parameters
    ----------
    indicator : Indicator
        A ``reduction_vs_base`` indicator (its ``direction`` and ``change_basis`` decide the sign
        and the basis).
    level : Decimal
        The level in the year assessed. [indicator's measured unit]
    baseline : Decimal
        The level in the baseline year. [same unit]

    Returns
    -------
    Decimal
        Relative change (fraction) or change in points (same unit as the levels); positive when
        the level moved the way the plan asks.
    """
    delta = baseline - level if indicator.direction == "down" else level - baseline
    if indicator.change_basis == "points":
        return delta
    if baseline == 0:
        raise EcerError(
            "INPUT_INVALID", f"{indicator.id} 的基数为 0，无法计算相对变化", field="baseline", value=baseline
        )
    return delta / baseline


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else numerator / denominator


def indicator_progress(
    indicator: Indicator, value: Decimal, year: int, baseline: Decimal | None = None
) -> IndicatorProgress:
    """Progress of ``indicator`` given its reported ``value`` for ``year``; rules in the module doc.

    Parameters
    ----------
    indicator : Indicator
        From the plan.
    value : Decimal
        The reported value for ``year``. [indicator.unit; fractions for "%"]
    year : int
        The year the value describes.
    baseline : Decimal, optional
        Overrides ``indicator.baseline`` (the level in its baseline year).

    Returns
    -------
    IndicatorProgress
    """
    value = Decimal(value)
    target = indicator.target_value
    base = baseline if baseline is not None else indicator.baseline
    base = None if base is None else Decimal(base)
    kind = indicator.kind
    achieved: Decimal | None = value
    progress: Decimal | None
    if kind == "reduction_vs_base":
        achieved = value if base is None else achieved_change(indicator, value, base)
        progress = _ratio(achieved, target)
    elif kind == "level_to_reach":
        progress = _ratio(value, target) if base is None else _ratio(value - base, target - base)
    elif kind == "ceiling":
        progress = _ratio(base - value, base - target) if base is not None and base > target else None
    else:  # cumulative_amount
        progress = _ratio(value, target)
    met = _COMPARE[indicator.effective_comparison](achieved, target) if achieved is not None else None
    return IndicatorProgress(
        indicator.id, year, value, achieved, progress, met, _status(indicator, year, progress, met)
    )


def _status(indicator: Indicator, year: int, progress: Decimal | None, met: bool | None) -> str:
    done = "" if progress is None else f"，完成进度 {progress * 100:.1f}%"
    if met is None:
        return "无法判断"
    if met:
        return "已达到目标" + done
    if year < indicator.target_year:
        return f"尚未达到目标（目标年份 {indicator.target_year}）" + done
    return "未完成目标" + done
