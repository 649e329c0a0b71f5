"""Warning levels shared by the energy barometer and the pollutant-reduction progress.

``ndrc-2021q1``: the level compares what was achieved with what the path required by now —
red when it misses the requirement by more than 10 % of the requirement, yellow when it misses
within 10 % (exactly 10 % short is yellow), green when the requirement is met. Comparison is
exact (rational arithmetic), so boundaries do not depend on float rounding.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

Level = Literal["red", "yellow", "green"]
Number = Decimal | Fraction | int | float

NDRC_2021Q1_TOLERANCE = Fraction(1, 10)  # "within 10 % of the requirement" (issue 2, barometer rule sets)


def _exact(value: Number) -> Fraction:
    """Decimals and ints exactly; floats by their shortest repr, so 0.36 means 36/100."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def level_ndrc_2021q1(achieved: Number, required: Number) -> Level:
    """Level of progress under the ``ndrc-2021q1`` thresholds.

    Parameters
    ----------
    achieved : number
        Progress achieved, e.g. completion = cumulative reduction / target. [fraction]
    required : number
        Progress required by now on the path, e.g. (Y − base)/(target year − base). [fraction]

    Returns
    -------
    str
        ``'green'`` if achieved ≥ required; ``'yellow'`` if required − achieved ≤ 10 % × required;
        ``'red'`` otherwise.

    Examples
    --------
    >>> level_ndrc_2021q1(Decimal("0.36"), Decimal("0.4"))
    'yellow'
    >>> level_ndrc_2021q1(Decimal("0.3599"), Decimal("0.4"))
    'red'
    """
    a, r = _exact(achieved), _exact(required)
    if a >= r:
        return "green"
    if r - a <= NDRC_2021Q1_TOLERANCE * r:
        return "yellow"
    return "red"
