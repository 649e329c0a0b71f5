"""Surface-water quality class by single-factor evaluation (GB 3838-2002, 地表水环境质量评价办法).

Each measured parameter gets the best class whose Table 1 limit it meets; the section's class is
the worst class among the parameters that count, and the parameters at that class are the ones
that set it. Water temperature, total nitrogen and faecal coliform are reference items: they are
classified but do not count. Total nitrogen has limits for lakes and reservoirs only (Table 1
item 9), so a river's total nitrogen is not classified at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ecer.domain.environment.reference import WATER_CLASSES, WaterLimit, water_limits
from ecer.domain.errors import EcerError

WORSE_THAN_V = "劣V"
CLASS_ORDER: tuple[str, ...] = (*WATER_CLASSES, WORSE_THAN_V)
"""Best first: a larger position is a worse class."""

KINDS: tuple[str, ...] = ("river", "lake")
"""``lake`` covers lakes and reservoirs (湖、库)."""


@dataclass(frozen=True)
class SectionClass:
    """The class of one sample at a section, with what set it."""

    water_class: str
    limiting_parameters: list[str] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)


def parameters() -> list[str]:
    """Parameter codes of GB 3838-2002 Table 1 with class limits, in table order."""
    seen: list[str] = []
    for row in water_limits():
        if row.code not in seen:
            seen.append(row.code)
    return seen


def limit_row(code: str, kind: str) -> WaterLimit | None:
    """The Table 1 row for ``code`` in a river or a lake; ``None`` when none applies."""
    if kind not in KINDS:
        raise EcerError("WATER_BAD_KIND", kind, field="kind", value=kind)
    if code not in parameters():
        raise EcerError("WATER_UNKNOWN_PARAMETER", code, field=code)
    for row in water_limits():
        if row.code == code and row.applies_to in ("all", kind):
            return row
    return None


def parameter_class(code: str, value: Decimal, kind: str = "river") -> str | None:
    """Class of one measured value by GB 3838-2002 Table 1.

    Parameters
    ----------
    code : str
        Parameter column name, e.g. ``"COD"``, ``"DO"``, ``"TP"``.
    value : Decimal
        Measured value. [mg/L; pH dimensionless; coliform per L]
    kind : str
        ``"river"`` or ``"lake"`` (lakes and reservoirs have their own TP and TN limits).

    Returns
    -------
    str or None
        ``"I"`` … ``"V"`` or ``"劣V"``; ``None`` for a parameter without limits for this kind
        of water (total nitrogen in a river).

    Notes
    -----
    "Not more than" items take the best class whose limit the value does not exceed, so where
    two classes share a limit a value at it takes the better class (COD 15 mg/L is class I).
    Dissolved oxygen is "not less than": the best class whose limit the value reaches. pH within
    6–9 meets every class, hence class I; outside it, 劣V.

    Examples
    --------
    >>> from decimal import Decimal
    >>> parameter_class("COD", Decimal("15")), parameter_class("DO", Decimal("5.5"))
    ('I', 'III')
    >>> parameter_class("TP", Decimal("0.05"), "lake"), parameter_class("pH", Decimal("9.2"))
    ('III', '劣V')

    References
    ----------
    .. [1] GB 3838-2002 地表水环境质量标准, 表1.
    """
    row = limit_row(code, kind)
    if row is None:
        return None
    if value < 0:
        raise EcerError("IMPORT_NEGATIVE_VALUE", f"{code} = {value}", field=code, value=value)
    for name, limit in zip(WATER_CLASSES, row.limits, strict=True):
        if row.direction == "range":
            low, high = limit  # type: ignore[misc]
            meets = low <= value <= high
        elif row.direction == "min":
            meets = value >= limit  # type: ignore[operator]
        else:
            meets = value <= limit  # type: ignore[operator]
        if meets:
            return name
    return WORSE_THAN_V


def section_class(values: Mapping[str, Decimal | None], kind: str) -> SectionClass:
    """Single-factor class of one sample: the worst class among the counted parameters.

    Parameters
    ----------
    values : Mapping[str, Decimal or None]
        Measured values by column name; ``None`` means not measured. [mg/L; coliform per L]
    kind : str
        ``"river"`` or ``"lake"``.

    Returns
    -------
    SectionClass
        ``classes`` covers every measured parameter that has limits for this kind of water,
        reference items included; ``water_class`` and ``limiting_parameters`` only the items
        地表水环境质量评价办法（试行）counts (all basic items but water temperature, total
        nitrogen and faecal coliform).

    References
    ----------
    .. [1] GB 3838-2002, 表1; 环办〔2011〕22号 地表水环境质量评价办法（试行）.
    """
    classes: dict[str, str] = {}
    counted: dict[str, str] = {}
    for code, value in values.items():
        if value is None:
            continue
        found = parameter_class(code, value, kind)
        if found is None:
            continue
        classes[code] = found
        row = limit_row(code, kind)
        if row is not None and row.counted:
            counted[code] = found
    if not counted:
        raise EcerError("WATER_NO_COUNTED_PARAMETER")
    worst = max(counted.values(), key=CLASS_ORDER.index)
    limiting = [code for code, found in counted.items() if found == worst]
    return SectionClass(worst, limiting, classes)
