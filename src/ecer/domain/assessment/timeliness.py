"""Timeliness of statistics submissions (数据报送及时性), scored from revision dates.

A period's figures are on time when they were first submitted on or before the rubric's deadline
for that period (``"MM-DD"`` in the same year, ``"+1-MM-DD"`` in the next). Points =
max × on-time periods ÷ periods due; a period never submitted counts as late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from ecer.domain.assessment.scoring import share_points
from ecer.domain.assessment.sheet import AutoScore


def deadline(year: int, rule: str) -> dt.date:
    """``"04-30"`` → 30 April of ``year``; ``"+1-02-28"`` → 28 February of ``year + 1``."""
    offset = 0
    if rule.startswith("+"):
        head, rule = rule[1:].split("-", 1)
        offset = int(head)
    month, day = (int(x) for x in rule.split("-"))
    return dt.date(year + offset, month, day)


def timeliness_score(year: int, deadlines: Mapping[str, str], submitted: Mapping[str, dt.date | None],
                     max_points: Decimal) -> AutoScore:
    """Score one region's submissions for ``year``.

    Parameters
    ----------
    deadlines : period name → deadline rule (from the rubric)
    submitted : period name → the date the figures were first submitted (None: never)

    Examples
    --------
    >>> s = timeliness_score(2024, {"全年": "+1-02-28"}, {"全年": dt.date(2025, 2, 28)}, Decimal(6))
    >>> s.points
    Decimal('6')
    """
    late: list[str] = []
    for period, rule in deadlines.items():
        due = deadline(year, rule)
        when = submitted.get(period)
        if when is None:
            late.append(f"{period}未报送（截止 {due.isoformat()}）")
        elif when > due:
            late.append(f"{period} {when.isoformat()} 报送，逾期（截止 {due.isoformat()}）")
    on_time = len(deadlines) - len(late)
    basis = f"{year}年 {len(deadlines)} 期统计数据中按时报送 {on_time} 期"
    if late:
        basis += "：" + "；".join(late)
    return AutoScore(share_points(max_points, on_time, len(deadlines)), basis)


def alarm_handling_score(handled_in_time: int | None, alarms: int | None, max_points: Decimal) -> AutoScore:
    """Share of the year's monitoring alarms closed within the required time; None when no data."""
    if handled_in_time is None or alarms is None:
        return AutoScore(None, "监测预警模块尚无数据")
    if alarms == 0:
        return AutoScore(max_points, "全年无监测预警")
    return AutoScore(share_points(max_points, handled_in_time, alarms),
                     f"全年监测预警 {alarms} 次，按时处置 {handled_in_time} 次")
