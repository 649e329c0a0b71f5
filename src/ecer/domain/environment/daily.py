"""Daily concentrations from hourly ones, by the validity rules of GB 3095-2012 and HJ 663-2013.

Hours are numbered 0–23 by their start (the ``DataTime`` of an HJ 212 hourly upload), so the
natural day 0:00–24:00 is hours 0…23. A value the rules reject is ``None`` and its reason is
listed; nothing is estimated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ecer.domain.environment.evaluation import (
    MIN_8H_FOR_DAILY_MAX,
    MIN_HOURLY_FOR_8H_MEAN,
    MIN_HOURLY_FOR_24H_MEAN,
    mean_if_valid,
)
from ecer.domain.environment.reference import secondary_limits

MEAN_POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "PM2_5")
"""Pollutants whose daily value is the 24-hour mean (GB 3095-2012 表1)."""

DAILY_KEYS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "O3_1h", "O3_8h", "PM2_5")
"""The daily columns of ``ecer air aqi``, in order."""

EIGHT_HOUR_WINDOWS: tuple[int, ...] = tuple(range(17))
"""First hours of the 8-hour windows ending 8:00 … 24:00 (HJ 663-2013: 日最大8小时平均 is taken over
the sliding 8-hour means of 8时 to 24时), i.e. windows 0–7 … 16–23."""


@dataclass(frozen=True)
class DailyValues:
    """A day's concentrations with the reasons any of them is missing. [μg/m³; CO mg/m³]"""

    values: dict[str, Decimal | None]
    valid_hours: dict[str, int] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)


def eight_hour_means(o3_hourly: Mapping[int, Decimal | None]) -> list[Decimal | None]:
    """The 17 sliding 8-hour ozone means of a day; ``None`` where fewer than 6 hours are valid.

    Parameters
    ----------
    o3_hourly : Mapping[int, Decimal or None]
        Hour (0–23, by its start) → 1-hour ozone mean. [μg/m³]

    References
    ----------
    .. [1] GB 3095-2012 环境空气质量标准, 表4 (每8小时至少有6小时平均浓度值).
    """
    return [
        mean_if_valid((o3_hourly.get(h) for h in range(start, start + 8)), MIN_HOURLY_FOR_8H_MEAN)
        for start in EIGHT_HOUR_WINDOWS
    ]


def daily_max_8h_ozone(o3_hourly: Mapping[int, Decimal | None]) -> Decimal | None:
    """The day's maximum 8-hour ozone mean (日最大8小时平均). [μg/m³]

    Notes
    -----
    Valid with at least 14 valid 8-hour means among the 17; with fewer, still valid when the
    largest of them exceeds the 8-hour limit (160 μg/m³), since more data could only raise it.

    Examples
    --------
    >>> from decimal import Decimal
    >>> hours = {h: Decimal(100 + 10 * (h >= 12)) for h in range(24)}
    >>> daily_max_8h_ozone(hours)  # windows 12–19 … 16–23 are all 110
    Decimal('110')

    References
    ----------
    .. [1] HJ 663-2013 环境空气质量评价技术规范（试行）, 数据统计的有效性规定.
    """
    means = [m for m in eight_hour_means(o3_hourly) if m is not None]
    if not means:
        return None
    if len(means) >= MIN_8H_FOR_DAILY_MAX or max(means) > secondary_limits()["O3"]:
        return max(means)
    return None


def daily_from_hourly(hours: Mapping[int, Mapping[str, Decimal | None]]) -> DailyValues:
    """A day's values from its hourly ones (keys as ``DAILY_KEYS``; hourly ozone under ``O3_1h``).

    Parameters
    ----------
    hours : Mapping[int, Mapping[str, Decimal or None]]
        Hour (0–23) → that hour's valid concentrations; an invalid or missing value is ``None``
        or absent. [μg/m³; CO mg/m³]

    Returns
    -------
    DailyValues
        24-hour means (≥ 20 valid hours), the day's maximum 1-hour ozone (≥ 20 valid hours, the
        same coverage as a 24-hour mean — a choice, the standards set none) and maximum 8-hour
        ozone (see :func:`daily_max_8h_ozone`).

    Examples
    --------
    >>> from decimal import Decimal
    >>> hours = {h: {"PM2_5": Decimal(30 + h)} for h in range(20)}
    >>> daily_from_hourly(hours).values["PM2_5"]  # mean of 30 … 49
    Decimal('39.5')
    >>> daily_from_hourly({h: {"PM2_5": Decimal(30)} for h in range(19)}).invalid["PM2_5"]
    '有效小时数 19 < 20'

    References
    ----------
    .. [1] GB 3095-2012, 表4 污染物浓度数据有效性的最低要求.
    """
    values: dict[str, Decimal | None] = {}
    counts: dict[str, int] = {}
    invalid: dict[str, str] = {}

    def series(key: str) -> dict[int, Decimal | None]:
        return {h: hours[h].get(key) for h in hours if 0 <= h <= 23}

    for key in (*MEAN_POLLUTANTS, "O3_1h"):
        column = series(key)
        counts[key] = sum(1 for v in column.values() if v is not None)
        if counts[key] == 0:
            values[key] = None
            continue
        if counts[key] < MIN_HOURLY_FOR_24H_MEAN:
            values[key] = None
            invalid[key] = f"有效小时数 {counts[key]} < {MIN_HOURLY_FOR_24H_MEAN}"
            continue
        valid = [v for v in column.values() if v is not None]
        values[key] = max(valid) if key == "O3_1h" else mean_if_valid(valid, MIN_HOURLY_FOR_24H_MEAN)
    o3 = series("O3_1h")
    counts["O3_8h"] = sum(1 for m in eight_hour_means(o3) if m is not None)
    values["O3_8h"] = daily_max_8h_ozone(o3) if counts["O3_1h"] else None
    if counts["O3_1h"] and values["O3_8h"] is None:
        invalid["O3_8h"] = f"有效8小时均值 {counts['O3_8h']} < {MIN_8H_FOR_DAILY_MAX}"
    return DailyValues({k: values.get(k) for k in DAILY_KEYS}, counts, invalid)
