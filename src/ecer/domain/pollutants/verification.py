"""Verify a project's reduction from monitoring: flow-weighted concentrations before and after.

A monitored outlet reports, per interval (HJ 212-2017 hourly data, CN=2061), the discharged
volume (``w00000-Cou`` / ``a00000-Cou``, m³), the pollutant's mean concentration (``-Avg``,
mg/L for water, mg/m³ for flue gas) and a data flag (Table 8). Only intervals flagged valid and
carrying both numbers enter the averages; 停运/停产 (F) and 维护/检修 (M) intervals and gaps are
reported, never filled. The achieved yearly reduction is

    R = (C̄_before − C̄_after) × Q_year × k        [t/a]

with C̄ = Σ Cᵢ·Vᵢ / Σ Vᵢ over the valid intervals of each period (flow-weighted mean), Q_year
the yearly volume (given, e.g. from the project's parameters, or the after period's mean valid
flow × running intervals a year) and k the unit factor (10⁻⁶ t per mg/L·m³, 10⁻⁹ t per mg/m³·m³).
It is compared with the claimed reduction; a shortfall or a share of missing data beyond the
configured limits flags the project for review.

References
----------
.. [1] HJ 212-2017 污染物在线监控（监测）系统数据传输标准, §6.6.4 Table 8 (data flags),
   Table C.17 (hourly data: DataTime is the start of the hour; -Cou, -Avg, -Flag).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ecer.domain.errors import EcerError
from ecer.domain.units import quantity

# HJ 212-2017 §6.6.4 Table 8: N 正常; F 停运; M 维护期间; S 手工输入的设定值; D 故障; C 校准;
# T 超过测量上限; B 通讯异常. Only N measures the discharge; F and M are the 停产/检修 marks.
FLAG_TREATMENT: Mapping[str, str] = MappingProxyType({
    "N": "valid", "F": "shutdown", "M": "maintenance",
    "S": "invalid", "D": "invalid", "C": "invalid", "T": "invalid", "B": "invalid",
})
KIND_ZH = {"gap": "缺失", "shutdown": "停运（停产）", "maintenance": "维护（检修）", "invalid": "无效标记"}
ACCOUNTING_YEAR = dt.timedelta(days=365)  # reductions are per 365-day accounting year


@dataclass(frozen=True)
class Reading:
    """One interval of one monitored outlet for one pollutant.

    start : interval start (HJ 212 DataTime); volume_m3 : discharged volume in the interval [m³];
    concentration : mean concentration [mg/L or mg/m³]; flag : HJ 212-2017 Table 8 data flag.
    """

    start: dt.datetime
    volume_m3: Decimal | None
    concentration: Decimal | None
    flag: str = "N"


@dataclass(frozen=True)
class ValidDataRules:
    """The configurable rules: interval, flag treatment, and the shares that call for review."""

    interval: dt.timedelta = dt.timedelta(hours=1)
    flag_treatment: Mapping[str, str] = field(default_factory=lambda: FLAG_TREATMENT)
    max_missing_share: Decimal = Decimal("0.10")  # of the running intervals without valid data
    max_shortfall_share: Decimal = Decimal("0.10")  # of the claim not achieved


@dataclass(frozen=True)
class Span:
    """A run of intervals without valid data: kind is gap, shutdown, maintenance or invalid."""

    kind: str
    start: dt.datetime
    end: dt.datetime
    intervals: int

    @property
    def kind_zh(self) -> str:
        return KIND_ZH[self.kind]


@dataclass(frozen=True)
class PeriodSummary:
    """What one period's readings give; ``mean_concentration`` is flow-weighted."""

    start: dt.datetime
    end: dt.datetime
    expected: int
    valid: int
    shutdown: int
    maintenance: int
    invalid: int
    missing: int
    volume_m3: Decimal
    mass_t: Decimal
    mean_concentration: Decimal | None
    missing_share: Decimal | None
    spans: tuple[Span, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Verification:
    pollutant: str
    before: PeriodSummary
    after: PeriodSummary
    annual_volume_m3: Decimal
    achieved_t: Decimal
    claimed_t: Decimal | None
    shortfall_share: Decimal | None
    needs_review: bool
    reasons: tuple[str, ...]


def unit_factor_t(concentration_unit: str) -> Decimal:
    """Tonnes per (concentration unit × m³): 10⁻⁶ for mg/L, 10⁻⁹ for mg/m³."""
    one = quantity(1, concentration_unit) * quantity(1, "m**3")
    try:
        return Decimal(str(one.to("metric_ton").magnitude))
    except Exception as exc:  # pint.DimensionalityError: a concentration must be mass per volume
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"浓度单位 {concentration_unit} 不是质量/体积",
                        field="concentration_unit", value=concentration_unit) from exc


def _slot(start: dt.datetime, moment: dt.datetime, interval: dt.timedelta) -> int:
    return int((moment - start) // interval)


def summarise_period(
    readings: Iterable[Reading], start: dt.datetime, end: dt.datetime, *,
    concentration_unit: str = "mg/L", rules: ValidDataRules | None = None,
) -> PeriodSummary:
    """Count, classify and flow-weight the readings of ``[start, end)``; a second reading of an interval is ignored.

    Returns
    -------
    PeriodSummary
        volume_m3 [m³] and mass_t [t] over valid intervals; mean_concentration = Σ C·V / Σ V
        [concentration unit]; missing_share = (missing + invalid + maintenance) / (expected −
        shutdown), the running intervals without valid data.
    """
    rules = rules or ValidDataRules()
    if end <= start:
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"时段 {start} — {end}", field="period")
    expected = _slot(start, end - dt.timedelta(microseconds=1), rules.interval) + 1
    kinds: list[str] = ["gap"] * expected
    volume = weighted = Decimal(0)
    for r in readings:
        if not start <= r.start < end:
            continue
        slot = _slot(start, r.start, rules.interval)
        if kinds[slot] != "gap":
            continue
        kind = rules.flag_treatment.get(r.flag.strip().upper(), "invalid")
        if kind == "valid" and (r.volume_m3 is None or r.concentration is None
                                or r.volume_m3 < 0 or r.concentration < 0):
            kind = "invalid"
        kinds[slot] = kind
        if kind == "valid":
            assert r.volume_m3 is not None and r.concentration is not None
            volume += r.volume_m3
            weighted += r.volume_m3 * r.concentration
    count = {k: kinds.count(k) for k in ("valid", "shutdown", "maintenance", "invalid", "gap")}
    running = expected - count["shutdown"]
    return PeriodSummary(
        start=start, end=end, expected=expected, valid=count["valid"], shutdown=count["shutdown"],
        maintenance=count["maintenance"], invalid=count["invalid"], missing=count["gap"],
        volume_m3=volume, mass_t=weighted * unit_factor_t(concentration_unit),
        mean_concentration=weighted / volume if volume > 0 else None,
        missing_share=None if running == 0 else Decimal(running - count["valid"]) / Decimal(running),
        spans=tuple(_spans(kinds, start, rules.interval)),
    )


def _spans(kinds: list[str], start: dt.datetime, interval: dt.timedelta) -> Iterable[Span]:
    i = 0
    while i < len(kinds):
        j = i
        while j < len(kinds) and kinds[j] == kinds[i]:
            j += 1
        if kinds[i] != "valid":
            yield Span(kinds[i], start + i * interval, start + j * interval, j - i)
        i = j


def annualised_volume_m3(after: PeriodSummary, interval: dt.timedelta = dt.timedelta(hours=1)) -> Decimal:
    """Mean valid volume per interval × running share × intervals in an accounting year. [m³/a]"""
    if after.valid == 0:
        raise EcerError("VERIFICATION_NO_VALID_DATA", "改造后时段", field="after")
    per_interval = after.volume_m3 / after.valid
    running_share = Decimal(after.expected - after.shutdown) / Decimal(after.expected)
    return per_interval * running_share * Decimal(ACCOUNTING_YEAR // interval)


def verify_reduction(
    pollutant: str,
    before: Iterable[Reading],
    after: Iterable[Reading],
    *,
    before_period: tuple[dt.datetime, dt.datetime],
    after_period: tuple[dt.datetime, dt.datetime],
    claimed_t: Decimal | None = None,
    annual_volume_m3: Decimal | None = None,
    concentration_unit: str = "mg/L",
    rules: ValidDataRules | None = None,
) -> Verification:
    """Achieved yearly reduction of one pollutant from monitoring, compared with the claim.

    Parameters
    ----------
    pollutant : str
        COD, NH3N, NOx or VOCs (for the report).
    before, after : iterable of Reading
        Readings of the outlet before the project and after commissioning.
    before_period, after_period : (datetime, datetime)
        The half-open periods ``[start, end)`` the readings should cover.
    claimed_t : Decimal, optional
        The claimed yearly reduction. [t/a]
    annual_volume_m3 : Decimal, optional
        Yearly volume to apply, e.g. Q of a wastewater plant or V × H of a boiler; by default
        annualised from the after period. [m³/a]
    concentration_unit : str
        Unit of the readings' concentrations: ``'mg/L'`` (water) or ``'mg/m**3'`` (flue gas).
    rules : ValidDataRules
        Interval, flag treatment and review thresholds.

    Returns
    -------
    Verification
        achieved_t [t/a]; shortfall_share = (claimed − achieved) / claimed; needs_review with
        its reasons (``missing_data_before``, ``missing_data_after``, ``shortfall``).
    """
    rules = rules or ValidDataRules()
    b = summarise_period(before, *before_period, concentration_unit=concentration_unit, rules=rules)
    a = summarise_period(after, *after_period, concentration_unit=concentration_unit, rules=rules)
    for label, summary in (("改造前时段", b), ("改造后时段", a)):
        if summary.mean_concentration is None:
            raise EcerError("VERIFICATION_NO_VALID_DATA", label, field="before" if summary is b else "after")
    assert b.mean_concentration is not None and a.mean_concentration is not None
    volume = annual_volume_m3 if annual_volume_m3 is not None else annualised_volume_m3(a, rules.interval)
    achieved = (b.mean_concentration - a.mean_concentration) * volume * unit_factor_t(concentration_unit)
    reasons: list[str] = []
    for name, summary in (("missing_data_before", b), ("missing_data_after", a)):
        if summary.missing_share is not None and summary.missing_share > rules.max_missing_share:
            reasons.append(name)
    shortfall = None
    if claimed_t is not None and claimed_t > 0:
        shortfall = (claimed_t - achieved) / claimed_t
        if shortfall > rules.max_shortfall_share:
            reasons.append("shortfall")
    return Verification(pollutant=pollutant, before=b, after=a, annual_volume_m3=volume, achieved_t=achieved,
                        claimed_t=claimed_t, shortfall_share=shortfall, needs_review=bool(reasons),
                        reasons=tuple(reasons))
