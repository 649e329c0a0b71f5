"""Air quality index (AQI) by HJ 633-2012: individual indices, AQI, primary pollutants, category.

Indices are computed exactly from the decimal concentrations (rational arithmetic, then rounded
up), so a concentration whose index lands on an integer gets that integer: CO 2.2 mg/m³ gives
IAQI 55, not 56 as binary floating point would.

The daily report uses the 24-hour means, the day's maximum 1-hour ozone and maximum 8-hour ozone;
the hourly (real-time) report uses 1-hour values and the running 8-hour ozone mean. The keys
below are the column names of ``ecer air aqi``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from ecer.domain.environment.reference import AqiCategory, aqi_categories, iaqi_breakpoints
from ecer.domain.errors import EcerError

DAILY_TABLES: dict[str, str] = {
    "SO2": "SO2_24h",
    "NO2": "NO2_24h",
    "PM10": "PM10_24h",
    "CO": "CO_24h",
    "O3_1h": "O3_1h",
    "O3_8h": "O3_8h",
    "PM2_5": "PM2_5_24h",
}
"""Daily report: pollutant key → HJ 633-2012 Table 1 row."""

HOURLY_TABLES: dict[str, str] = {
    "SO2": "SO2_1h",
    "NO2": "NO2_1h",
    "PM10": "PM10_24h",
    "CO": "CO_1h",
    "O3_1h": "O3_1h",
    "O3_8h": "O3_8h",
    "PM2_5": "PM2_5_24h",
}
"""Hourly report: pollutant key → Table 1 row. Table 1 has no 1-hour particulate rows; the
24-hour limits are applied to the hourly particulate values."""

PRIMARY_POLLUTANT_THRESHOLD = 50  # HJ 633-2012: a primary pollutant is named only when AQI > 50
OVER_STANDARD_THRESHOLD = 100  # HJ 633-2012: a pollutant exceeds the standard when its IAQI > 100


@dataclass(frozen=True)
class AqiResult:
    """An AQI with the figures HJ 633-2012 says are reported with it."""

    aqi: int
    category: AqiCategory
    iaqi: dict[str, int] = field(default_factory=dict)
    primary_pollutants: list[str] = field(default_factory=list)
    over_standard: list[str] = field(default_factory=list)


def iaqi(table: str, concentration: Decimal) -> int | None:
    """Individual air quality index of one pollutant by HJ 633-2012 Table 1 and formula (1).

    Parameters
    ----------
    table : str
        Row of Table 1, e.g. ``"PM2_5_24h"`` or ``"CO_1h"``.
    concentration : Decimal
        Concentration in the row's unit. [μg/m³; CO mg/m³]

    Returns
    -------
    int or None
        The index rounded up to an integer; ``None`` where the standard does not compute it
        (SO2 1-hour or O3 8-hour above 800 μg/m³). A concentration above the IAQI 500 limit
        gets 500: the standard defines no index beyond it.

    Notes
    -----
    With BP_Lo ≤ C ≤ BP_Hi the neighbouring limits and IAQI_Lo, IAQI_Hi their indices,

    .. math:: IAQI = (IAQI_{Hi} - IAQI_{Lo}) / (BP_{Hi} - BP_{Lo}) × (C - BP_{Lo}) + IAQI_{Lo}

    A concentration equal to a limit takes that limit's index; just above it, the next segment.

    Examples
    --------
    >>> from decimal import Decimal
    >>> iaqi("CO_24h", Decimal("2.2"))  # 50/2 × 0.2 + 50 = 55 exactly
    55
    >>> iaqi("PM2_5_24h", Decimal("80"))  # 50/40 × 5 + 100 = 106.25, rounded up
    107
    >>> iaqi("O3_8h", Decimal("820")) is None  # 表1 注(3)
    True

    References
    ----------
    .. [1] HJ 633-2012 环境空气质量指数（AQI）技术规定（试行）, 表1 and 公式(1).
    """
    rows = iaqi_breakpoints()
    if table not in rows:
        raise EcerError("AQI_UNKNOWN_POLLUTANT", table, field="pollutant", value=table)
    if concentration < 0:
        raise EcerError("IMPORT_NEGATIVE_VALUE", f"{table} = {concentration}", field=table, value=concentration)
    points = rows[table].points
    c = Fraction(concentration)
    for (bp_lo, i_lo), (bp_hi, i_hi) in pairwise(points):
        if c <= Fraction(bp_hi):
            value = Fraction(i_hi - i_lo) / (Fraction(bp_hi) - Fraction(bp_lo)) * (c - Fraction(bp_lo)) + i_lo
            return math.ceil(value)
    if rows[table].beyond_last:
        return None
    return points[-1][1]


def category(aqi: int) -> AqiCategory:
    """AQI level, category and colour by HJ 633-2012 Table 2 and Annex A."""
    for cat in aqi_categories():
        if aqi >= cat.aqi_low and (cat.aqi_high is None or aqi <= cat.aqi_high):
            return cat
    raise EcerError("INPUT_INVALID", f"AQI {aqi}", field="aqi", value=aqi)


def aqi_from_iaqi(indices: Mapping[str, int]) -> AqiResult:
    """AQI = the largest individual index; primary and over-standard pollutants (HJ 633-2012).

    The primary pollutants are those whose index equals the AQI, named only when AQI > 50;
    pollutants over the standard are those whose index exceeds 100. Both keep the input order.
    """
    if not indices:
        raise EcerError("AQI_NO_POLLUTANT")
    aqi = max(indices.values())
    primary = [k for k, v in indices.items() if v == aqi] if aqi > PRIMARY_POLLUTANT_THRESHOLD else []
    over = [k for k, v in indices.items() if v > OVER_STANDARD_THRESHOLD]
    return AqiResult(aqi, category(aqi), dict(indices), primary, over)


def _indices(concentrations: Mapping[str, Decimal | None], tables: Mapping[str, str]) -> dict[str, int | None]:
    unknown = [k for k in concentrations if k not in tables]
    if unknown:
        raise EcerError("AQI_UNKNOWN_POLLUTANT", ", ".join(unknown), field=unknown[0])
    return {
        key: iaqi(tables[key], concentrations[key])  # type: ignore[arg-type]
        for key in tables
        if concentrations.get(key) is not None
    }


def daily_aqi(concentrations: Mapping[str, Decimal | None]) -> AqiResult:
    """Daily AQI (日报) from the day's concentrations, by HJ 633-2012.

    Parameters
    ----------
    concentrations : Mapping[str, Decimal or None]
        Keys ``SO2``, ``NO2``, ``PM10``, ``CO``, ``PM2_5`` (24-hour means), ``O3_1h`` (the day's
        maximum 1-hour mean) and ``O3_8h`` (the day's maximum 8-hour mean); ``None`` or a
        missing key means not measured. [μg/m³; CO mg/m³]

    Returns
    -------
    AqiResult
        ``iaqi`` holds an index for each measured pollutant. Above 800 μg/m³ the 8-hour ozone
        index is not computed and the 1-hour ozone index is reported in its place.

    Examples
    --------
    >>> from decimal import Decimal
    >>> r = daily_aqi({"PM2_5": Decimal("80"), "PM10": Decimal("60"), "CO": Decimal("2.2")})
    >>> r.aqi, r.category.name_zh, r.category.level, r.primary_pollutants
    (107, '轻度污染', 3, ['PM2_5'])

    References
    ----------
    .. [1] HJ 633-2012, 表1 注(3).
    """
    indices = _indices(concentrations, DAILY_TABLES)
    if "O3_8h" in indices and indices["O3_8h"] is None:
        if indices.get("O3_1h") is None:
            raise EcerError("AQI_O3_8H_NEEDS_1H", field="O3_8h", value=concentrations["O3_8h"])
        indices["O3_8h"] = indices["O3_1h"]
    return aqi_from_iaqi({k: v for k, v in indices.items() if v is not None})


def hourly_aqi(
    concentrations: Mapping[str, Decimal | None], so2_24h: Decimal | None = None
) -> AqiResult:
    """Hourly (real-time, 实时报) AQI from one hour's concentrations, by HJ 633-2012.

    Parameters
    ----------
    concentrations : Mapping[str, Decimal or None]
        Keys ``SO2``, ``NO2``, ``PM10``, ``CO``, ``O3_1h``, ``PM2_5`` (1-hour means) and
        ``O3_8h`` (running 8-hour mean). [μg/m³; CO mg/m³]
    so2_24h : Decimal, optional
        The 24-hour SO2 mean, whose index replaces the 1-hour one above 800 μg/m³. [μg/m³]

    References
    ----------
    .. [1] HJ 633-2012, 表1 注(1)–(3).
    """
    indices = _indices(concentrations, HOURLY_TABLES)
    if "SO2" in indices and indices["SO2"] is None:
        if so2_24h is None:
            raise EcerError("AQI_SO2_1H_NEEDS_24H", field="SO2", value=concentrations["SO2"])
        indices["SO2"] = iaqi("SO2_24h", so2_24h)
    if "O3_8h" in indices and indices["O3_8h"] is None:
        if indices.get("O3_1h") is None:
            raise EcerError("AQI_O3_8H_NEEDS_1H", field="O3_8h", value=concentrations["O3_8h"])
        indices["O3_8h"] = indices["O3_1h"]
    return aqi_from_iaqi({k: v for k, v in indices.items() if v is not None})
