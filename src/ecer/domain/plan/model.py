"""A city's (or province's) energy-conservation and emission-reduction plan, as data.

The plan decides everything the accounting would otherwise hard-code: base and target year,
the policy rule set, the progress path, the barometer rule, the regions and their targets.
Nothing here knows about Jilin; ``data/plans/jilin-2021-2025.yaml`` is one instance.

Rates (Annex 1 targets, annual targets, percentage indicators) are held as FRACTIONS
(0.145). A plan file may write them as the plan prints them, with a percent sign (``14.5%``);
:func:`percent_or_number` turns that into the fraction, so the unit is never implicit.

The cross-references (regions named in the target tables, indicators named by the annex links,
district sums) are checked by :mod:`ecer.domain.plan.checks`, which the loader runs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ecer.domain.errors import EcerError

PERCENT_PATTERN = r"^[+-]?\d+(\.\d+)?\s*%$"


def percent_or_number(value: Any) -> Any:
    """``"14.5%"`` → ``Decimal("0.145")``; anything else passes through to Decimal validation.

    A percent sign is the only way to write a percentage, so ``15`` can never be mistaken for
    15 %: a bare number is taken as it stands (a fraction for rates).
    """
    if isinstance(value, str) and value.strip().endswith("%"):
        text = value.strip()[:-1].strip()
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"无法识别的百分数 {value!r}") from exc
        if not number.is_finite():
            raise ValueError(f"无法识别的百分数 {value!r}")
        return number / 100
    return value


_NUMBER_OR_PERCENT_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": PERCENT_PATTERN, "description": 'a percentage, e.g. "14.5%"'},
    ]
}

Rate = Annotated[
    Decimal,
    BeforeValidator(percent_or_number),
    Field(ge=0, lt=1),
    WithJsonSchema({**_NUMBER_OR_PERCENT_SCHEMA, "description": 'a rate: "14.5%" or the fraction 0.145'}),
]
"""A reduction rate in [0, 1), written ``"14.5%"`` or ``0.145``; held as the fraction."""

Amount = Annotated[
    Decimal,
    BeforeValidator(percent_or_number),
    WithJsonSchema(
        {**_NUMBER_OR_PERCENT_SCHEMA, "description": 'a number in the indicator\'s unit; "%" values as "17%"'}
    ),
]
"""A value in an indicator's unit; a percentage written ``"17%"`` is held as 0.17."""

Tonnes = Annotated[Decimal, Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]

RegionKind = Literal["province", "city", "county", "county_city", "district", "zone", "city_level"]
IndicatorKind = Literal["reduction_vs_base", "level_to_reach", "ceiling", "cumulative_amount"]
Comparison = Literal[">=", ">", "<=", "<", "="]
Pollutant = Literal["cod_t", "nh3n_t", "nox_t", "vocs_t"]

DEFAULT_COMPARISON: dict[str, str] = {
    "reduction_vs_base": ">=",
    "level_to_reach": ">=",
    "ceiling": "<=",
    "cumulative_amount": ">=",
}
"""What "meeting" a target means when the plan does not say (e.g. 达到 → ``>=``)."""


class _Strict(BaseModel):
    """Plan files are hand-written: a misspelt key must be an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _year_name(value: Any) -> Any:
    """Rule sets are named by year; an unquoted ``2022`` in YAML means the name ``"2022"``."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class PlanMetadata(_Strict):
    """Who issued the plan, its status, its years and the accounting choices it makes."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    title: str = Field(min_length=1, description="the plan's title as printed")
    issuer: str = Field(min_length=1, description="issuing body (发文机关)")
    status: str = Field(min_length=1, description="e.g. 征求意见稿, 正式印发")
    source: str = Field(min_length=1, description="where the text was taken from")
    base_year: int = Field(ge=1949, le=2100, description="year the reductions are measured against")
    target_year: int = Field(ge=1949, le=2100, description="year the targets fall due")
    policy_rule_set: Annotated[Literal["2022", "2024"], BeforeValidator(_year_name)] = Field(
        "2022",
        description="dual-control rule set: 2022 (发改环资〔2022〕803号) or 2024 (发改环资〔2024〕113号)",
    )
    renewables_in_intensity: bool = Field(
        False, description="also take new renewable electricity out of the intensity numerator"
    )
    progress_path: Literal["geometric", "linear"] = Field("geometric", description="required-progress path")
    barometer_rule: Literal["ndrc-2021h1", "cumulative-path", "ndrc-2021q1"] = Field(
        "ndrc-2021h1", description="rule that colours the dual-control barometer"
    )
    notes: list[str] = Field(default_factory=list, description="transcription notes")


class Region(_Strict):
    """A region the plan sets targets for, named as in the plan's annexes."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    name: str = Field(min_length=1, description="name as the annex writes it, e.g. 永吉县, 市本级")
    code: str | None = Field(None, pattern=r"^\d{2,12}$", description="national division code, if any")
    kind: RegionKind
    parent: str | None = Field(None, description="name of the enclosing region; none for the plan's area")
    aliases: list[str] = Field(default_factory=list, description="other names importers accept")


class Indicator(_Strict):
    """One quantitative target from the plan text, with the kind that decides its progress rule."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case English identifier")
    name_zh: str = Field(min_length=1)
    unit: str = Field(min_length=1, description='unit of target_value; "%" values are held as fractions')
    kind: IndicatorKind
    target_value: Amount
    target_year: int
    comparison: Comparison | None = Field(None, description="how a value meets the target; default by kind")
    direction: Literal["down", "up"] = Field(
        "down", description="reduction_vs_base only: the change the plan asks for (up: a rise)"
    )
    change_basis: Literal["relative", "points"] = Field(
        "relative", description="reduction_vs_base only: relative change, or percentage points of a share"
    )
    baseline: Amount | None = Field(None, description="level in baseline_year, where the plan gives it")
    baseline_year: int | None = None
    region: str | None = Field(None, description="region the target is for; none = the plan's whole area")
    section: str = Field(min_length=1, description="plan section, e.g. 三(一)")
    lead_departments: list[str] = Field(default_factory=list, description="as written in the paragraph")
    text: str | None = Field(None, description="the plan's own words for this target")
    note: str | None = None

    @property
    def effective_comparison(self) -> str:
        return self.comparison or DEFAULT_COMPARISON[self.kind]


class IntensityTarget(_Strict):
    """Annex-1 style: a region's five-year energy-intensity reduction, basic and incentive."""

    region: str
    basic: Rate
    incentive: Rate


class AnnualIntensityTarget(_Strict):
    """A region's intensity reduction in ``year`` against the previous year (fraction)."""

    region: str
    year: int
    rate: Rate


class PollutantTarget(_Strict):
    """Annex-2 style: a region's cumulative key-project emission reductions over the period [t]."""

    region: str
    cod_t: Tonnes = Field(description="化学需氧量 COD [t]")
    nh3n_t: Tonnes = Field(description="氨氮 NH3-N [t]")
    nox_t: Tonnes = Field(description="氮氧化物 NOx [t]")
    vocs_t: Tonnes = Field(description="挥发性有机物 VOCs [t]")


class Plan(_Strict):
    """The whole plan; build it with :func:`ecer.domain.plan.loader.load_plan_file`."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="e.g. jilin-2021-2025")
    metadata: PlanMetadata
    regions: list[Region] = Field(min_length=1)
    indicators: list[Indicator] = Field(default_factory=list)
    intensity_indicator: str | None = Field(
        None, description="id of the indicator Annex 1 breaks down; the city row must equal it"
    )
    pollutant_indicators: dict[Pollutant, str] = Field(
        default_factory=dict, description="pollutant column → id of the indicator Annex 2 breaks down"
    )
    intensity_targets: list[IntensityTarget] = Field(default_factory=list)
    annual_intensity_targets: list[AnnualIntensityTarget] = Field(default_factory=list)
    pollutant_targets: list[PollutantTarget] = Field(default_factory=list)

    # --- look-ups -------------------------------------------------------------------------

    def region(self, name_or_code: str) -> Region:
        """The region with this name, national code or alias; PLAN_UNKNOWN_REGION otherwise."""
        key = str(name_or_code).strip()
        for r in self.regions:
            if key == r.name or (r.code is not None and key == r.code) or key in r.aliases:
                return r
        known = "、".join(r.name for r in self.regions)
        raise EcerError("PLAN_UNKNOWN_REGION", f"{key}（规划中的地区：{known}）", field="region", value=key)

    @property
    def city(self) -> Region:
        """The plan's whole area: the one region without a parent (吉林市 for Jilin)."""
        return next(r for r in self.regions if r.parent is None)

    def _ordered(self, names: list[str]) -> list[Region]:
        regions = [self.region(n) for n in names]
        city = self.city
        return [r for r in regions if r == city] + [r for r in regions if r != city]

    def annex1_regions(self) -> list[Region]:
        """Regions with an intensity target, city first, then in the plan's order."""
        return self._ordered([t.region for t in self.intensity_targets])

    def annex2_regions(self) -> list[Region]:
        """Regions with pollutant targets, city first, then in the plan's order (市本级 …)."""
        return self._ordered([t.region for t in self.pollutant_targets])

    def intensity_target(self, region_name: str) -> IntensityTarget:
        """The five-year intensity targets of a region (name or code)."""
        name = self.region(region_name).name
        for t in self.intensity_targets:
            if t.region == name:
                return t
        raise EcerError("PLAN_NO_TARGET", f"{name} 没有能耗强度降低目标", field="region", value=name)

    def annual_target(self, region_name: str, year: int) -> Decimal | None:
        """The plan's intensity reduction rate for ``year`` vs the year before, or None if unset."""
        name = self.region(region_name).name
        for t in self.annual_intensity_targets:
            if t.region == name and t.year == year:
                return t.rate
        return None

    def pollutant_target(self, region_name: str) -> PollutantTarget:
        """The key-project emission reductions of a region (name or code)."""
        name = self.region(region_name).name
        for t in self.pollutant_targets:
            if t.region == name:
                return t
        raise EcerError("PLAN_NO_TARGET", f"{name} 没有主要污染物减排目标", field="region", value=name)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; PLAN_UNKNOWN_INDICATOR otherwise."""
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise EcerError("PLAN_UNKNOWN_INDICATOR", str(indicator_id), field="indicator", value=indicator_id)
