"""Completion of the intensity target for a year and for the whole period (issue 7 §1).

- Year t: completion = r_t / a_t, with r_t = 1 − I(t)/I(t−1) = −intensity_change the year's reduction
  against the previous year and a_t the year's annual target (the plan's, else the path's annual
  rate 1 − (1 − R*)^(1/n), :func:`ecer.domain.energy.targets.annual_target`). Veto when r_t < a_t.
- Whole period: completion = R / R*, with R the cumulative reduction against the base year and R*
  the basic five-year target. Veto when R < R*.

A reduction that is negative (intensity rose) gives a negative completion: it scores 0 points.
Where an input was not reported, completion and veto are None and the basis says what is missing.

References
----------
.. [1] 国办发〔2011〕26号 附件“十二五”节能目标责任评价考核计分表（能耗强度降低目标 40 分，一票否决）.
.. [2] 发改环资〔2021〕1310号 完善能源消费强度和总量双控制度方案（年度和五年规划期考核）.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Completion:
    """How far a target was met: ``completion`` = achieved ÷ target [fraction]."""

    achieved: Decimal | None  # reduction achieved [fraction]
    target: Decimal  # reduction required [fraction]
    completion: Decimal | None  # achieved / target [fraction]
    vetoed: bool | None  # achieved < target
    basis: str


def _pct(value: Decimal) -> str:
    return f"{value * 100:.2f}%"


def year_intensity_completion(
    intensity_change: Decimal | None, annual_target: Decimal, year: int, target_source: str = "规划路径年均降速"
) -> Completion:
    """Completion of the year's intensity target.

    Parameters
    ----------
    intensity_change : Decimal or None
        I(t)/I(t−1) − 1 for the full year; negative when intensity fell. [fraction]
    annual_target : Decimal
        The year's required reduction against the previous year. [fraction]

    Examples
    --------
    >>> year_intensity_completion(Decimal("-0.036"), Decimal("0.03"), 2024).completion
    Decimal('1.2')
    """
    if intensity_change is None:
        return Completion(None, annual_target, None, None, f"{year}年能耗强度数据不全，无法计算完成率")
    achieved = -intensity_change
    completion = achieved / annual_target if annual_target else None
    verb = "下降" if achieved >= 0 else "上升"
    basis = (f"{year}年能耗强度同比{verb} {_pct(abs(achieved))}，年度目标下降 {_pct(annual_target)}"
             f"（{target_source}）")
    if completion is not None:
        basis += f"，完成率 {completion * 100:.1f}%"
    vetoed = achieved < annual_target
    if vetoed:
        basis += "；未完成年度目标，一票否决"
    return Completion(achieved, annual_target, completion, vetoed, basis)


def period_intensity_completion(cumulative: Decimal | None, basic_target: Decimal, base_year: int,
                                year: int) -> Completion:
    """Completion of the five-year basic target: R / R*; veto when R < R*.

    Examples
    --------
    >>> period_intensity_completion(Decimal("0.145"), Decimal("0.145"), 2020, 2025).vetoed
    False
    """
    if cumulative is None:
        return Completion(None, basic_target, None, None, f"{base_year}—{year}年能耗强度数据不全，无法计算完成率")
    completion = cumulative / basic_target if basic_target else None
    basis = f"{year}年能耗强度比{base_year}年累计下降 {_pct(cumulative)}，基本目标 {_pct(basic_target)}"
    if completion is not None:
        basis += f"，完成率 {completion * 100:.1f}%"
    vetoed = cumulative < basic_target
    if vetoed:
        basis += "；未完成规划期基本目标，一票否决"
    return Completion(cumulative, basic_target, completion, vetoed, basis)


def pollutant_completion(name: str, cumulative_t: Decimal | None, target_t: Decimal,
                         required_progress: Decimal | None, year: int) -> Completion | None:
    """Completion of a key-project reduction target: cumulative ÷ (target × required progress).

    Returns None where the target is 0 (the item does not apply to the region).
    """
    if target_t == 0:
        return None
    if cumulative_t is None or required_progress is None:
        return Completion(None, target_t, None, None, f"{name}：暂无减排工程数据")
    required_t = target_t * required_progress
    completion = cumulative_t / required_t if required_t else None
    basis = (f"{name}：至{year}年重点工程累计减排 {cumulative_t:f} 吨，按进度应减排 {required_t:.1f} 吨"
             f"（五年目标 {target_t:f} 吨）")
    if completion is not None:
        basis += f"，完成率 {completion * 100:.1f}%"
    vetoed = completion is not None and completion < 1
    if vetoed:
        basis += "；未完成进度目标，一票否决"
    return Completion(cumulative_t, required_t, completion, vetoed, basis)
