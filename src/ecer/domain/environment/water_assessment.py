"""A period's surface-water evaluation: sections against their target class, shares by region.

Following 地表水环境质量评价办法（试行）, a section's value for a month or a year is the arithmetic
mean of the period's valid values of each parameter, classified by single-factor evaluation
(``ecer.domain.environment.water``). The shares are of the sections evaluated in the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ecer.domain.environment.water import CLASS_ORDER, WORSE_THAN_V, SectionClass, section_class
from ecer.domain.errors import EcerError

GOOD_CLASSES: tuple[str, ...] = ("I", "II", "III")
"""水质优良 (I–III类): the share the national assessment of sections uses."""


@dataclass(frozen=True)
class SectionResult:
    """One section over one period."""

    section: str
    region: str
    target_class: str | None
    samples: int
    result: SectionClass | None  # None: no valid sample in the period
    meets_target: bool | None

    @property
    def water_class(self) -> str | None:
        return None if self.result is None else self.result.water_class


@dataclass(frozen=True)
class ShareSummary:
    """Shares of evaluated sections in a region (or the whole city). Fractions 0–1."""

    region: str
    sections: int
    evaluated: int
    good: int
    worse_than_v: int
    targeted: int
    meeting_target: int

    @property
    def good_share(self) -> Decimal | None:
        return Decimal(self.good) / self.evaluated if self.evaluated else None

    @property
    def worse_than_v_share(self) -> Decimal | None:
        return Decimal(self.worse_than_v) / self.evaluated if self.evaluated else None

    @property
    def target_share(self) -> Decimal | None:
        return Decimal(self.meeting_target) / self.targeted if self.targeted else None


def class_worse_than(found: str, target: str) -> bool:
    """Whether class ``found`` is worse than ``target`` (劣V is worse than V)."""
    if found not in CLASS_ORDER or target not in CLASS_ORDER:
        raise EcerError("WATER_BAD_CLASS", f"{found} / {target}", value=target)
    return CLASS_ORDER.index(found) > CLASS_ORDER.index(target)


def period_means(samples: Iterable[Mapping[str, Decimal | None]]) -> dict[str, Decimal]:
    """Each parameter's arithmetic mean over the samples where it is valid."""
    collected: dict[str, list[Decimal]] = {}
    for sample in samples:
        for code, value in sample.items():
            if value is not None:
                collected.setdefault(code, []).append(value)
    return {code: sum(vs, Decimal(0)) / len(vs) for code, vs in collected.items()}


def evaluate_section(
    section: str, region: str, kind: str, target_class: str | None,
    samples: Sequence[Mapping[str, Decimal | None]],
) -> SectionResult:
    """Classify a section from its period mean and compare it with its target class.

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> r = evaluate_section("白旗", "丰满区", "river", "III",
    ...                      [{"COD": D("18"), "NH3N": D("0.4")}, {"COD": D("22"), "NH3N": D("0.6")}])
    >>> r.water_class, r.result.limiting_parameters, r.meets_target  # COD mean 20 → III, NH3N 0.5 → II
    ('III', ['COD'], True)
    """
    means = period_means(samples)
    if not means:
        return SectionResult(section, region, target_class, 0, None, None)
    try:
        result = section_class(means, kind)
    except EcerError:  # only reference items (TN, coliform) measured
        return SectionResult(section, region, target_class, len(samples), None, None)
    meets = None if target_class is None else not class_worse_than(result.water_class, target_class)
    return SectionResult(section, region, target_class, len(samples), result, meets)


def shares(results: Sequence[SectionResult], region: str) -> ShareSummary:
    """I–III share, 劣V share and the share meeting target among ``results`` (one region or all)."""
    evaluated = [r for r in results if r.result is not None]
    return ShareSummary(
        region=region,
        sections=len(results),
        evaluated=len(evaluated),
        good=sum(1 for r in evaluated if r.water_class in GOOD_CLASSES),
        worse_than_v=sum(1 for r in evaluated if r.water_class == WORSE_THAN_V),
        targeted=sum(1 for r in evaluated if r.target_class is not None),
        meeting_target=sum(1 for r in evaluated if r.meets_target),
    )
