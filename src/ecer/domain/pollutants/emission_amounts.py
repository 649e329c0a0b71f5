"""Emission amounts of monitored sources from HJ 212 hourly data (Appendix D), with valid-data rules.

Mass is computed from the *measured* dry-standard concentration and the dry-standard flow, never
from the O2-converted (-Zs) value, which is for judging limits only (HJ 212-2017 D.2.3 vs D.2.5).
When the data logger sends a pollutant's ``-Cou`` total for the period it is used as is.

Unit factors of Appendix D, checked:

====  ====================================  ===============================================  ======
eq.   printed                               units                                            check
====  ====================================  ===============================================  ======
(1)   ΔD = Q·T·10⁻³                         L/s · s = L; ·10⁻³ → m³                          ok
(5)   Q̄m = Dm / 600 (also (6), (7))         m³/s, but Q̄ is declared in L/s: needs ·10³       misprint
(8)   Gi = Di·C·10⁻³                        m³ · mg/L = m³ · g/m³ = g; ·10⁻³ → kg            ok
(12)  Cm = Gm/Dm·10³                        kg/m³ ·10³ = g/m³ = mg/L                          ok
(33)  Gh = CQh·Qsnh·10⁻⁶                    mg/m³ · m³/h = mg/h; ·10⁻⁶ → kg/h                ok
(34)  Gd = Σ Gh ·10⁻⁶                       Σ kg/h over the day's hours is kg/d: no factor;  misprint
                                            t/d would need ·10⁻³
====  ====================================  ===============================================  ======

Valid data: a flue-gas hour needs at least 45 valid minutes (eq. (24): 45 ≤ k) and a day at least
20 valid hours (eq. (25): 20 ≤ m), as HJ 75-2017 requires; Appendix D sets no such minimum for
wastewater (D.1.2.2: 1 ≤ m ≤ 6 ten-minute values, 1 ≤ h ≤ 24 hours), so the wastewater rule below
(one valid ten-minute value per hour, one valid hour per day) is configurable and to be checked
against HJ 356-2019. Only data flagged N (Table 8 正常) count as valid.

References
----------
.. [1] HJ 212-2017 污染物在线监控（监测）系统数据传输标准, Appendix D (informative), eqs. (1)–(34).
.. [2] HJ 75-2017 固定污染源烟气（SO2、NOX、颗粒物）排放连续监测技术规范 (hour ≥ 45 valid minutes, day ≥ 20 valid hours).
.. [3] HJ 76-2017 固定污染源烟气排放连续监测系统技术要求及检测方法.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

VALID_FLAGS: Final = frozenset({"N"})  # Table 8: N 正常; F M S D C T B are not valid measurements

#: The four pollutants of the plan's Annex 2 and the HJ 212 code measured for each. VOCs are
#: monitored as non-methane total hydrocarbons (a24088) by default; a city may choose another code.
ANNEX2_CODES: Final = {"COD": "w01018", "NH3-N": "w21003", "NOx": "a21002", "VOCs": "a24088"}
FLOW_CODES: Final = {"wastewater": "w00000", "flue_gas": "a00000"}  # Appendix B.1, B.2


@dataclass(frozen=True)
class ValidityRule:
    """Minimum valid data for an hour and a day. [min], [h]"""

    min_valid_minutes_per_hour: float
    min_valid_hours_per_day: int
    source: str


FLUE_GAS_RULE: Final = ValidityRule(45, 20, "HJ 75-2017; HJ 212-2017 eqs. (24), (25)")
WASTEWATER_RULE: Final = ValidityRule(10, 1, "HJ 212-2017 D.1.2.2 (1 ≤ m, 1 ≤ h); to check against HJ 356-2019")
RULES: Final = {"flue_gas": FLUE_GAS_RULE, "wastewater": WASTEWATER_RULE}


def wastewater_volume_m3(flow_l_s: float, seconds: float) -> float:
    """Wastewater discharged in a time slice, eq. (1).

    Parameters
    ----------
    flow_l_s : float
        Instantaneous flow Q (w00000-Rtd). [L/s]
    seconds : float
        Length of the time slice T. [s]

    Returns
    -------
    float
        ΔD = Q·T·10⁻³. [m³]

    Examples
    --------
    >>> wastewater_volume_m3(17.5, 3600)
    63.0
    """
    return flow_l_s * seconds * 1e-3


def mean_flow_l_s(volume_m3: float, seconds: float) -> float:
    """Mean flow over a period from the volume, eqs. (5)–(7) with the factor 10³ they omit.

    Examples
    --------
    >>> mean_flow_l_s(63.0, 3600)
    17.5
    """
    return volume_m3 / seconds * 1e3


def water_pollutant_mass_kg(volume_m3: float, concentration_mg_l: float) -> float:
    """Mass of a water pollutant, eq. (8): G = D·C·10⁻³.

    Parameters
    ----------
    volume_m3 : float
        Wastewater volume D. [m³]
    concentration_mg_l : float
        Concentration C. [mg/L]

    Returns
    -------
    float
        [kg]

    Examples
    --------
    C.17's hour: 63.0 m³ of wastewater at 40.1 mg/L COD:

    >>> round(water_pollutant_mass_kg(63.0, 40.1), 6)
    2.5263
    """
    return volume_m3 * concentration_mg_l * 1e-3


def flue_gas_mass_kg(concentration_mg_m3: float, flow_m3: float) -> float:
    """Mass of a flue-gas pollutant, eq. (33): G = C·Q·10⁻⁶.

    Parameters
    ----------
    concentration_mg_m3 : float
        Measured dry-standard mass concentration (not the -Zs value). [mg/m³]
    flow_m3 : float
        Dry-standard flue-gas volume over the period (标干流量 × time). [m³]

    Returns
    -------
    float
        [kg]

    Examples
    --------
    >>> flue_gas_mass_kg(50.0, 200_000.0)
    10.0
    """
    return concentration_mg_m3 * flow_m3 * 1e-6


@dataclass(frozen=True)
class HourData:
    """One pollutant's hour at one source: the 2061 record and, when known, its valid minutes."""

    start: dt.datetime
    code: str
    avg: float | None = None  # measured dry-standard concentration [mg/L or mg/m³]
    cou: float | None = None  # the logger's total for the hour [kg]
    flag: str | None = None
    flow_cou_m3: float | None = None  # w00000-Cou / a00000-Cou for the hour [m³]
    flow_avg: float | None = None  # w00000-Avg [L/s] or a00000-Avg [m³/s]
    valid_minutes: float | None = None  # from the minute data; None when there is none
    excluded: bool = False  # within an operator's 停产/检修 mark


@dataclass(frozen=True)
class HourAmount:
    start: dt.datetime
    code: str
    mass_kg: float | None
    method: str  # cou | concentration_x_flow | none
    valid: bool


def hour_is_valid(hour: HourData, rule: ValidityRule) -> bool:
    """Valid when flagged N and, where minute data exist, with enough valid minutes."""
    if hour.excluded or hour.flag not in VALID_FLAGS:
        return False
    return hour.valid_minutes is None or hour.valid_minutes >= rule.min_valid_minutes_per_hour


def hourly_amount(hour: HourData, kind: str, rule: ValidityRule | None = None) -> HourAmount:
    """The hour's mass: the logger's -Cou when sent, else concentration × volume (eqs. (8), (33))."""
    rule = rule or RULES.get(kind, FLUE_GAS_RULE)
    valid = hour_is_valid(hour, rule)
    if hour.cou is not None:
        return HourAmount(hour.start, hour.code, hour.cou, "cou", valid)
    volume = hour.flow_cou_m3
    if volume is None and hour.flow_avg is not None:
        volume = wastewater_volume_m3(hour.flow_avg, 3600) if kind == "wastewater" else hour.flow_avg * 3600
    if hour.avg is None or volume is None:
        return HourAmount(hour.start, hour.code, None, "none", False)
    mass = water_pollutant_mass_kg(volume, hour.avg) if kind == "wastewater" else flue_gas_mass_kg(hour.avg, volume)
    return HourAmount(hour.start, hour.code, mass, "concentration_x_flow", valid)


@dataclass(frozen=True)
class DayAmount:
    day: dt.date
    code: str
    mass_kg: float  # sum over the valid hours [kg]
    valid_hours: int
    valid: bool  # enough valid hours for a valid day


def daily_amounts(hours: Iterable[HourAmount], rule: ValidityRule, tz: dt.tzinfo) -> list[DayAmount]:
    """Sum valid hours per local day and code (eq. (34) without its misprinted 10⁻⁶)."""
    sums: dict[tuple[dt.date, str], list[float]] = {}
    for hour in hours:
        if not hour.valid or hour.mass_kg is None:
            continue
        sums.setdefault((hour.start.astimezone(tz).date(), hour.code), []).append(hour.mass_kg)
    return [DayAmount(day, code, sum(masses), len(masses), len(masses) >= rule.min_valid_hours_per_day)
            for (day, code), masses in sorted(sums.items())]


@dataclass(frozen=True)
class PollutantTotal:
    region: str
    pollutant: str  # COD, NH3-N, NOx, VOCs
    code: str
    amount_t: float
    permit_t: float | None
    share_of_permit: float | None


def totals_by_region(amounts: Iterable[tuple[str, str, float]], permits: Mapping[tuple[str, str], float],
                     codes: Mapping[str, str] = ANNEX2_CODES) -> list[PollutantTotal]:
    """Sum (region, code, kg) into tonnes per region and Annex 2 pollutant, with permit progress.

    ``permits`` maps (region, code) to the sum of the permitted annual amounts. [t]
    """
    by_code = {code: name for name, code in codes.items()}
    sums: dict[tuple[str, str], float] = {}
    for region, code, kg in amounts:
        if code in by_code:
            sums[(region, code)] = sums.get((region, code), 0.0) + kg / 1000
    for key in permits:
        if key[1] in by_code:
            sums.setdefault(key, 0.0)
    result = []
    for (region, code), tonnes in sorted(sums.items()):
        permit = permits.get((region, code))
        share = tonnes / permit if permit else None
        result.append(PollutantTotal(region, by_code[code], code, tonnes, permit, share))
    return result
