"""Periodic ambient-air evaluation: validity counts, percentiles, good-day share, comprehensive index.

Pure functions over already-aggregated values (``None`` marks a missing or invalid value, which
is never filled in). Storage and the ``ecer air evaluate`` command build on these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from ecer.domain.environment.reference import secondary_limits
from ecer.domain.errors import EcerError

# GB 3095-2012 表4 污染物浓度数据有效性的最低要求 (restated in HJ 663-2013):
MIN_HOURLY_FOR_24H_MEAN = 20  # a 24-hour mean needs at least 20 hourly values
MIN_HOURLY_FOR_8H_MEAN = 6  # an 8-hour ozone mean needs at least 6 hourly values
MIN_8H_FOR_DAILY_MAX = 14  # the day's maximum 8-hour ozone needs at least 14 valid 8-hour means

GOOD_DAY_MAX_AQI = 100  # HJ 633-2012 表2: 优 and 良 are AQI 0–100
HEAVY_POLLUTION_MIN_AQI = 201  # HJ 633-2012 表2: 重度污染 starts at 201 (严重污染 above 300)

COMPOSITE_POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "PM2_5", "CO", "O3")


def _valid(values: Iterable[Decimal | None]) -> list[Decimal]:
    return [v for v in values if v is not None]


def mean_if_valid(values: Iterable[Decimal | None], minimum: int) -> Decimal | None:
    """Arithmetic mean of the valid values, or ``None`` when fewer than ``minimum`` are valid.

    Use ``MIN_HOURLY_FOR_24H_MEAN`` for a 24-hour mean of hourly values and
    ``MIN_HOURLY_FOR_8H_MEAN`` for an 8-hour ozone mean (GB 3095-2012 表4).
    """
    valid = _valid(values)
    if len(valid) < minimum or not valid:
        return None
    return sum(valid, Decimal(0)) / len(valid)


def daily_max_8h(eight_hour_means: Iterable[Decimal | None]) -> Decimal | None:
    """The day's maximum 8-hour ozone mean, or ``None`` with fewer than 14 valid 8-hour means."""
    valid = _valid(eight_hour_means)
    if len(valid) < MIN_8H_FOR_DAILY_MAX:
        return None
    return max(valid)


def percentile(values: Iterable[Decimal | None], p: Decimal | int) -> Decimal:
    """The p-th percentile by the method of HJ 663-2013.

    Parameters
    ----------
    values : iterable of Decimal or None
        The period's values; ``None`` (invalid) is skipped. [μg/m³; CO mg/m³]
    p : Decimal or int
        Percentile, 0–100. [%]

    Notes
    -----
    With the n values sorted ascending X(1) … X(n), k = 1 + (n − 1)·p/100, s the integer part
    of k: m_p = X(s) + (X(s+1) − X(s))·(k − s); m_p = X(n) when s = n.

    Examples
    --------
    >>> from decimal import Decimal
    >>> percentile([Decimal(v) for v in range(1, 11)], 90)  # k = 9.1 → 9 + (10 − 9) × 0.1
    Decimal('9.1')

    References
    ----------
    .. [1] HJ 663-2013 环境空气质量评价技术规范（试行）, 百分位数计算方法.
    """
    ordered = sorted(_valid(values))
    if not ordered:
        raise EcerError("ENV_NO_VALID_DATA", f"第{p}百分位数")
    p = Decimal(p)
    if not 0 <= p <= 100:
        raise EcerError("INPUT_INVALID", f"百分位 {p}", field="p", value=p)
    k = 1 + (len(ordered) - 1) * p / 100
    s = int(k)
    if s >= len(ordered):
        return ordered[-1]
    return ordered[s - 1] + (ordered[s] - ordered[s - 1]) * (k - s)


def o3_8h_90th_percentile(daily_max_8h_values: Iterable[Decimal | None]) -> Decimal:
    """90th percentile of the daily maximum 8-hour ozone means (HJ 663-2013). [μg/m³]"""
    return percentile(daily_max_8h_values, 90)


def co_95th_percentile(daily_means: Iterable[Decimal | None]) -> Decimal:
    """95th percentile of the daily (24-hour) CO means (HJ 663-2013). [mg/m³]"""
    return percentile(daily_means, 95)


def good_day_share(daily_aqis: Sequence[int | None]) -> Decimal:
    """Share of good days (优良天数比例): days with AQI ≤ 100 over days with a valid AQI. [%]"""
    valid = [a for a in daily_aqis if a is not None]
    if not valid:
        raise EcerError("ENV_NO_VALID_DATA", "优良天数比例")
    good = sum(1 for a in valid if a <= GOOD_DAY_MAX_AQI)
    return Decimal(good) * 100 / len(valid)


def heavy_pollution_days(daily_aqis: Sequence[int | None]) -> int:
    """Days of heavy pollution or worse (重度及以上污染天数): AQI above 200."""
    return sum(1 for a in daily_aqis if a is not None and a >= HEAVY_POLLUTION_MIN_AQI)


def single_indices(statistics: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each pollutant's single quality index I_i = C_i / S_i (环办监测〔2018〕19号).

    Parameters
    ----------
    statistics : Mapping[str, Decimal]
        ``SO2``, ``NO2``, ``PM10``, ``PM2_5``: period means [μg/m³]; ``CO``: 95th percentile of
        daily means [mg/m³]; ``O3``: 90th percentile of daily maximum 8-hour means [μg/m³].

    Notes
    -----
    S_i is the GB 3095-2012 secondary limit: the annual limit for SO2, NO2, PM10 and PM2.5, the
    24-hour limit for CO and the 8-hour limit for O3 (``data/gb3095_2012_secondary_limits.csv``).
    """
    limits = secondary_limits()
    missing = [k for k in COMPOSITE_POLLUTANTS if statistics.get(k) is None]
    if missing:
        raise EcerError("INPUT_MISSING", "、".join(missing), field=missing[0])
    return {k: Decimal(statistics[k]) / limits[k] for k in COMPOSITE_POLLUTANTS}


def comprehensive_index(statistics: Mapping[str, Decimal]) -> Decimal:
    """Ambient air quality comprehensive index (环境空气质量综合指数): the sum of the six I_i.

    References
    ----------
    .. [1] 环办监测〔2018〕19号 城市环境空气质量排名技术规定.
    .. [2] GB 3095-2012 环境空气质量标准, 表1.
    """
    return sum(single_indices(statistics).values(), Decimal(0))
