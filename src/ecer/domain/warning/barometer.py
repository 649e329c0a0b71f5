"""Barometer (晴雨表) rule sets: the colour of a region's dual-control progress.

- ``ndrc-2021h1`` (default; 发改办环资〔2021〕629号, the 2021 H1 barometer): red when intensity rose
  against the same period last year; yellow when it fell by less than the year's annual target;
  green otherwise.
- ``cumulative-path``: red when intensity rose; yellow when the cumulative reduction is below the
  required progress; green otherwise.
- ``ndrc-2021q1``: red when the cumulative reduction misses the required progress by more than 10 %
  of it, yellow when it misses within 10 %, green when met.

All rules use the basic target.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ecer.domain.warning.levels import level_ndrc_2021q1

Level = Literal["red", "yellow", "green"]
BAROMETER_RULES = ("ndrc-2021h1", "cumulative-path", "ndrc-2021q1")


def level_for_rule(
    rule: str,
    intensity_change: Decimal | None,
    cumulative: Decimal | None,
    required: Decimal,
    year_target: Decimal,
) -> Level | None:
    """Apply a named rule; None when an input it needs was not reported."""
    if rule == "ndrc-2021h1":
        if intensity_change is None:
            return None
        if intensity_change > 0:
            return "red"
        return "yellow" if -intensity_change < year_target else "green"
    if rule == "cumulative-path":
        if intensity_change is None or cumulative is None:
            return None
        if intensity_change > 0:
            return "red"
        return "yellow" if cumulative < required else "green"
    if rule == "ndrc-2021q1":
        if cumulative is None:
            return None
        return level_ndrc_2021q1(cumulative, required)
    raise ValueError(f"unknown barometer rule {rule!r}; valid: {', '.join(BAROMETER_RULES)}")
