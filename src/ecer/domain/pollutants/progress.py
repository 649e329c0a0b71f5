"""Progress of one region and pollutant against its Annex 2 key-project reduction target.

The plan's Annex 2 (“十四五”各县区主要污染物重点工程减排量目标) gives each region a cumulative
reduction (t) for 2021–2025. A project's reduction is a yearly capacity: it counts once, from its
commissioning year, in the cumulative tally. Reductions used as offsets for new or expanded
projects are deducted in the year they are used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from ecer.domain.errors import EcerError
from ecer.domain.warning.levels import Level, level_ndrc_2021q1

Basis = Literal["verified", "claimed", "mixed"]


@dataclass(frozen=True)
class ProjectReduction:
    """One project's yearly reduction capacity for one pollutant. [t/a]"""

    commissioning_year: int
    reduction_t: Decimal
    verified: bool = False


@dataclass(frozen=True)
class Offset:
    """A reduction used to offset a new or expanded project, deducted in ``year``. [t]"""

    year: int
    amount_t: Decimal


@dataclass(frozen=True)
class Progress:
    region: str
    region_code: str | None
    pollutant: str
    year: int
    cumulative_reduction_t: Decimal
    target_t: Decimal
    required_progress: Decimal | None
    completion: Decimal | None
    level: Level | None
    basis: Basis | None


def cumulative_reduction_t(
    projects: Iterable[ProjectReduction], offsets: Iterable[Offset], base_year: int, year: int
) -> Decimal:
    """Σ reductions of projects commissioned in (base_year, year] − Σ offsets used in that span. [t]

    A project commissioned in the base year is part of the base, not of the period's reduction.
    """
    counted = sum((p.reduction_t for p in projects if base_year < p.commissioning_year <= year), Decimal(0))
    deducted = sum((o.amount_t for o in offsets if base_year < o.year <= year), Decimal(0))
    return counted - deducted


def required_progress_linear(base_year: int, target_year: int, year: int) -> Fraction:
    """(Y − base)/(target − base), capped at 1 after the target year. [fraction]

    Examples: base 2020, target 2025: 2021 → 1/5, 2023 → 3/5, 2025 → 1.
    """
    if target_year <= base_year or year < base_year:
        raise EcerError("REDUCTION_PROGRESS_INVALID", f"基准年 {base_year}、目标年 {target_year}、年份 {year}")
    return min(Fraction(year - base_year, target_year - base_year), Fraction(1))


def required_progress_annual(
    annual_t: Mapping[int, Decimal], target_t: Decimal, base_year: int, year: int
) -> Fraction:
    """Σ annual amounts of years base+1 … Y, over the five-year target. [fraction]

    Used where the plan gives yearly reduction amounts instead of a linear path.
    """
    required = sum((Fraction(v) for y, v in annual_t.items() if base_year < y <= year), Fraction(0))
    return required / Fraction(target_t)


def _basis(counted: list[ProjectReduction]) -> Basis | None:
    if not counted:
        return None
    kinds = {p.verified for p in counted}
    if kinds == {True}:
        return "verified"
    return "claimed" if kinds == {False} else "mixed"


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def pollutant_progress(
    *,
    region: str,
    region_code: str | None,
    pollutant: str,
    year: int,
    target_t: Decimal,
    projects: Iterable[ProjectReduction],
    offsets: Iterable[Offset] = (),
    base_year: int = 2020,
    target_year: int = 2025,
    annual_t: Mapping[int, Decimal] | None = None,
) -> Progress:
    """Cumulative reduction to ``year`` against the Annex 2 target, with its ``ndrc-2021q1`` level.

    Parameters
    ----------
    target_t : Decimal
        Annex 2 cumulative reduction target for the period. [t]
    projects : iterable of ProjectReduction
        Yearly reduction capacities of the region's projects for this pollutant. [t/a]
    offsets : iterable of Offset
        Reductions used as offsets, deducted from the tally. [t]
    annual_t : mapping, optional
        Yearly amounts the plan gives, year → t; otherwise required progress is linear.

    Returns
    -------
    Progress
        completion = cumulative / target; level compares completion with required progress.
        Where the target is 0, required_progress, completion and level are None. basis is
        verified, claimed or mixed over the projects counted (None when none are counted).
    """
    if target_t < 0 or year < base_year:
        raise EcerError("REDUCTION_PROGRESS_INVALID", f"目标 {target_t} t，年份 {year}，基准年 {base_year}")
    projects = list(projects)
    counted = [p for p in projects if base_year < p.commissioning_year <= year]
    cumulative = cumulative_reduction_t(projects, offsets, base_year, year)
    required: Fraction | None = None
    completion: Fraction | None = None
    level: Level | None = None
    if target_t != 0:
        if annual_t:
            required = required_progress_annual(annual_t, target_t, base_year, year)
        else:
            required = required_progress_linear(base_year, target_year, year)
        completion = Fraction(cumulative) / Fraction(target_t)
        level = level_ndrc_2021q1(completion, required)
    return Progress(
        region=region,
        region_code=region_code,
        pollutant=pollutant,
        year=year,
        cumulative_reduction_t=cumulative,
        target_t=target_t,
        required_progress=None if required is None else _decimal(required),
        completion=None if completion is None else _decimal(completion),
        level=level,
        basis=_basis(counted),
    )
