"""A month's or a year's ambient-air evaluation of a station or a region (HJ 663-2013, 环办监测〔2018〕19号).

Input is a period's daily values (keys of ``ecer air aqi``: 24-hour means, the day's maximum
1-hour and 8-hour ozone); output is what the environment bureau publishes: period means, the
90th percentile of daily maximum 8-hour ozone, the 95th percentile of daily CO, good days, heavy
pollution days, the comprehensive index and the ranking of regions. A statistic without enough
valid days is ``None`` with the reason; it is never estimated.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from ecer.domain.environment.aqi import AqiResult, daily_aqi
from ecer.domain.environment.evaluation import (
    GOOD_DAY_MAX_AQI,
    HEAVY_POLLUTION_MIN_AQI,
    comprehensive_index,
    percentile,
)
from ecer.domain.errors import EcerError

MEAN_KEYS: tuple[str, ...] = ("SO2", "NO2", "PM10", "PM2_5")
AQI_REQUIRED: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "PM2_5", "O3_8h")
"""A day counts (有效天) when all six pollutants of GB 3095-2012 表1 have a valid daily value."""

MIN_DAYS_PER_MONTH = 27  # GB 3095-2012 表4: 每月至少有27个日平均浓度值
MIN_DAYS_FEBRUARY = 25  # … 二月至少有25个
MIN_DAYS_PER_YEAR = 324  # … 每年至少有324个日平均浓度值

ROUNDING: dict[str, Decimal] = {
    "SO2": Decimal(1), "NO2": Decimal(1), "PM10": Decimal(1), "PM2_5": Decimal(1),
    "O3": Decimal(1), "CO": Decimal("0.1"),
}
"""HJ 663-2013 修约: μg/m³ to integers, CO mg/m³ to one decimal (GB/T 8170, round half to even)."""
INDEX_PLACES = Decimal("0.01")  # 环办监测〔2018〕19号: 综合指数 to two decimals


@dataclass(frozen=True)
class AirStatistics:
    """One station's or region's evaluation over one period."""

    days: int
    valid_days: int
    means: dict[str, Decimal | None]
    co_p95: Decimal | None
    o3_8h_p90: Decimal | None
    good_days: int
    good_day_share: Decimal | None  # fraction 0–1 of valid days
    heavy_pollution_days: int
    comprehensive_index: Decimal | None
    invalid: dict[str, str] = field(default_factory=dict)
    daily_aqi: dict[dt.date, AqiResult | None] = field(default_factory=dict)


def period_days(year: int, month: int | None = None) -> list[dt.date]:
    """Every calendar day of the year or of one month."""
    months = [month] if month else range(1, 13)
    return [dt.date(year, m, d) for m in months for d in range(1, calendar.monthrange(year, m)[1] + 1)]


def round_statistic(key: str, value: Decimal) -> Decimal:
    """A concentration statistic rounded as HJ 663-2013 publishes it (half to even, GB/T 8170)."""
    return value.quantize(ROUNDING[key], rounding=ROUND_HALF_EVEN)


def enough_days(dates: Iterable[dt.date], year: int, month: int | None = None) -> str | None:
    """``None`` when the valid days suffice for the period, else why not (GB 3095-2012 表4)."""
    per_month: dict[int, int] = {}
    for day in dates:
        per_month[day.month] = per_month.get(day.month, 0) + 1
    months = [month] if month else list(range(1, 13))
    short = [
        f"{m}月 {per_month.get(m, 0)} 天"
        for m in months
        if per_month.get(m, 0) < (MIN_DAYS_FEBRUARY if m == 2 else MIN_DAYS_PER_MONTH)
    ]
    total = sum(per_month.get(m, 0) for m in months)
    if month is None and total < MIN_DAYS_PER_YEAR:
        return f"有效日数 {total} < {MIN_DAYS_PER_YEAR}" + (f"（{'、'.join(short)}）" if short else "")
    if short:
        return "有效日数不足：" + "、".join(short)
    return None


def day_aqi(values: Mapping[str, Decimal | None]) -> AqiResult | None:
    """The day's AQI when all six pollutants are valid; ``None`` (not a valid day) otherwise."""
    if any(values.get(k) is None for k in AQI_REQUIRED):
        return None
    try:
        return daily_aqi({k: v for k, v in values.items() if v is not None})
    except EcerError:  # 8-hour ozone above 800 μg/m³ without a 1-hour value
        return None


def period_statistics(
    days: Mapping[dt.date, Mapping[str, Decimal | None]], year: int, month: int | None = None,
    aqis: Mapping[dt.date, AqiResult | None] | None = None,
) -> AirStatistics:
    """Evaluate one station or region over a year or a month.

    Parameters
    ----------
    days : Mapping[date, Mapping[str, Decimal or None]]
        Date → that day's valid values (``SO2``, ``NO2``, ``PM10``, ``CO``, ``PM2_5``: 24-hour
        means; ``O3_8h``: maximum 8-hour mean; ``O3_1h``: maximum 1-hour mean). Days outside
        the period are ignored. [μg/m³; CO mg/m³]
    year, month : int
        The period; ``month`` ``None`` for the calendar year.
    aqis : Mapping[date, AqiResult or None], optional
        The days' AQIs (:func:`day_aqi`) when already computed, e.g. for the year and its months.

    Returns
    -------
    AirStatistics
        Means of SO2, NO2, PM10 and PM2.5, the 95th percentile of daily CO and the 90th of the
        daily maximum 8-hour ozone (HJ 663-2013 percentile method), each rounded as published;
        good days (AQI ≤ 100) and their share of the valid days; days of heavy pollution or
        worse (AQI > 200); the comprehensive index from the rounded statistics, to two decimals.

    Notes
    -----
    A statistic needs at least 27 valid daily values in each month (25 in February) and, for a
    year, 324 in all (GB 3095-2012 表4); otherwise it is ``None`` and ``invalid`` says why. The
    comprehensive index needs all six statistics.

    References
    ----------
    .. [1] HJ 663-2013 环境空气质量评价技术规范（试行）.
    .. [2] 环办监测〔2018〕19号 城市环境空气质量排名技术规定.
    """
    dates = period_days(year, month)
    in_period = {d: days[d] for d in dates if d in days}
    invalid: dict[str, str] = {}

    def series(key: str) -> dict[dt.date, Decimal]:
        return {d: v[key] for d, v in in_period.items() if v.get(key) is not None}  # type: ignore[misc]

    def checked(key: str, label: str) -> dict[dt.date, Decimal] | None:
        values = series(key)
        reason = enough_days(values, year, month)
        if reason is not None:
            invalid[label] = reason
            return None
        return values

    means: dict[str, Decimal | None] = {}
    for key in MEAN_KEYS:
        values = checked(key, key)
        means[key] = None if values is None else round_statistic(key, sum(values.values(), Decimal(0)) / len(values))
    co = checked("CO", "CO")
    co_p95 = None if co is None else round_statistic("CO", percentile(co.values(), 95))
    o3 = checked("O3_8h", "O3")
    o3_p90 = None if o3 is None else round_statistic("O3", percentile(o3.values(), 90))

    known = aqis if aqis is not None else {d: day_aqi(v) for d, v in in_period.items()}
    aqis = {d: known.get(d) if d in in_period else None for d in dates}
    valid = [a.aqi for a in aqis.values() if a is not None]
    good = sum(1 for a in valid if a <= GOOD_DAY_MAX_AQI)
    heavy = sum(1 for a in valid if a >= HEAVY_POLLUTION_MIN_AQI)
    statistics = {**means, "CO": co_p95, "O3": o3_p90}
    index = None
    if all(v is not None for v in statistics.values()):
        index = comprehensive_index(statistics).quantize(INDEX_PLACES, rounding=ROUND_HALF_EVEN)  # type: ignore[arg-type]
    return AirStatistics(
        days=len(dates), valid_days=len(valid), means=means, co_p95=co_p95, o3_8h_p90=o3_p90,
        good_days=good, good_day_share=Decimal(good) / len(valid) if valid else None,
        heavy_pollution_days=heavy, comprehensive_index=index, invalid=invalid, daily_aqi=aqis,
    )


def region_days(
    stations: Iterable[Mapping[dt.date, Mapping[str, Decimal | None]]],
) -> dict[dt.date, dict[str, Decimal | None]]:
    """A region's daily values: each pollutant's arithmetic mean over the stations valid that day.

    HJ 663-2013 takes a city's concentration as the mean of its evaluation stations'; from
    daily data the mean of the stations' daily values is used (the 8-hour ozone of the region is
    the mean of the stations' daily maxima, not recomputed from hourly region means).
    """
    collected: dict[dt.date, dict[str, list[Decimal]]] = {}
    for station in stations:
        for day, values in station.items():
            for key, value in values.items():
                if value is not None:
                    collected.setdefault(day, {}).setdefault(key, []).append(value)
    return {
        day: {key: sum(vs, Decimal(0)) / len(vs) for key, vs in by_key.items()}
        for day, by_key in sorted(collected.items())
    }


def rank_regions(indices: Mapping[str, Decimal | None]) -> dict[str, int | None]:
    """Rank by comprehensive index, smallest (cleanest) first; equal indices share a rank.

    A region without a valid index is not ranked (``None``).

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> rank_regions({"甲": D("3.10"), "乙": D("2.95"), "丙": D("3.10"), "丁": None, "戊": D("4")})
    {'甲': 2, '乙': 1, '丙': 2, '丁': None, '戊': 4}

    References
    ----------
    .. [1] 环办监测〔2018〕19号, 排名方法 (综合指数相同的城市并列).
    """
    ordered = sorted(v for v in indices.values() if v is not None)
    return {name: (None if v is None else ordered.index(v) + 1) for name, v in indices.items()}
