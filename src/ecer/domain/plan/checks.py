"""Cross-reference checks a schema cannot express: names that must exist, sums that must agree.

Each finding carries the path of the offending value inside the plan document (``("pollutant_targets",
3, "region")``) so the loader can point at the YAML line. The checks collect every finding; none
stops at the first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import get_args

from ecer.domain.plan.model import Plan, Pollutant

POLLUTANT_NAMES_ZH = {"cod_t": "化学需氧量", "nh3n_t": "氨氮", "nox_t": "氮氧化物", "vocs_t": "挥发性有机物"}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem: a stable error code, where it is, and what is wrong (Chinese)."""

    code: str
    path: Path
    detail: str
    value: object = None


def check_plan(plan: Plan) -> list[Finding]:
    """Every cross-reference and consistency problem in ``plan``, in document order."""
    return [
        *_check_years(plan),
        *_check_regions(plan),
        *_check_indicators(plan),
        *_check_target_tables(plan),
        *_check_links(plan),
        *_check_pollutant_sums(plan),
    ]


def _duplicates(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def _check_years(plan: Plan) -> list[Finding]:
    meta = plan.metadata
    if meta.target_year <= meta.base_year:
        return [
            Finding("PLAN_INVALID", ("metadata", "target_year"), "目标年份必须晚于基期年份", meta.target_year)
        ]
    return []


def _check_regions(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    names = {r.name for r in plan.regions}
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for i, r in enumerate(plan.regions):
        if r.name in seen_names:
            out.append(Finding("PLAN_INVALID", ("regions", i, "name"), f"地区名称重复：{r.name}", r.name))
        seen_names.add(r.name)
        for key in [r.code, *r.aliases]:
            if key is not None and key in seen_keys:
                out.append(Finding("PLAN_INVALID", ("regions", i), f"地区代码或别名重复：{key}", key))
            if key is not None:
                seen_keys.add(key)
        if r.parent is not None and r.parent not in names:
            out.append(Finding("PLAN_UNKNOWN_REGION", ("regions", i, "parent"), r.parent, r.parent))
    roots = [i for i, r in enumerate(plan.regions) if r.parent is None]
    if len(roots) != 1:
        where: Path = ("regions", roots[1]) if len(roots) > 1 else ("regions",)
        out.append(
            Finding("PLAN_INVALID", where, f"须有且只有一个无上级的地区（全市/全省），现有 {len(roots)} 个")
        )
    return out


def _region_ref(plan: Plan, name: str | None, path: Path) -> list[Finding]:
    if name is None or name in {r.name for r in plan.regions}:
        return []
    return [Finding("PLAN_UNKNOWN_REGION", path, name, name)]


def _check_indicators(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    dupes = _duplicates([ind.id for ind in plan.indicators])
    for i, ind in enumerate(plan.indicators):
        if ind.id in dupes:
            out.append(Finding("PLAN_INVALID", ("indicators", i, "id"), f"指标编号重复：{ind.id}", ind.id))
        out += _region_ref(plan, ind.region, ("indicators", i, "region"))
        allowed = ("<=", "<", "=") if ind.kind == "ceiling" else (">=", ">", "=")
        if ind.effective_comparison not in allowed:
            out.append(
                Finding(
                    "PLAN_INVALID",
                    ("indicators", i, "comparison"),
                    f"{ind.kind} 类指标的比较方式应为 {' '.join(allowed)}",
                    ind.comparison,
                )
            )
        if ind.baseline is not None and ind.baseline_year is None:
            out.append(
                Finding("PLAN_INVALID", ("indicators", i, "baseline_year"), "给出基数时须写明基数年份")
            )
    return out


def _check_target_tables(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    meta = plan.metadata
    for table in ("intensity_targets", "pollutant_targets"):
        rows = getattr(plan, table)
        dupes = _duplicates([t.region for t in rows])
        for i, t in enumerate(rows):
            out += _region_ref(plan, t.region, (table, i, "region"))
            if t.region in dupes:
                out.append(
                    Finding("PLAN_INVALID", (table, i, "region"), f"同一地区出现两次：{t.region}", t.region)
                )
    for i, t in enumerate(plan.intensity_targets):
        if t.incentive < t.basic:
            out.append(
                Finding("PLAN_INVALID", ("intensity_targets", i, "incentive"), "激励目标不应低于基本目标")
            )
    seen: set[tuple[str, int]] = set()
    for i, a in enumerate(plan.annual_intensity_targets):
        out += _region_ref(plan, a.region, ("annual_intensity_targets", i, "region"))
        if not meta.base_year < a.year <= meta.target_year:
            out.append(
                Finding(
                    "PLAN_INVALID",
                    ("annual_intensity_targets", i, "year"),
                    f"年度目标年份应在 {meta.base_year + 1}–{meta.target_year} 之间",
                    a.year,
                )
            )
        if (a.region, a.year) in seen:
            out.append(
                Finding(
                    "PLAN_INVALID", ("annual_intensity_targets", i), f"重复的年度目标：{a.region} {a.year}"
                )
            )
        seen.add((a.region, a.year))
    return out


def _check_links(plan: Plan) -> list[Finding]:
    """Annex links name real indicators, and the city's annex row repeats the indicator's target."""
    out: list[Finding] = []
    ids = {ind.id: ind for ind in plan.indicators}
    city = plan.city.name if len([r for r in plan.regions if r.parent is None]) == 1 else None
    if plan.intensity_indicator is not None:
        ind = ids.get(plan.intensity_indicator)
        if ind is None:
            out.append(
                Finding(
                    "PLAN_UNKNOWN_INDICATOR",
                    ("intensity_indicator",),
                    plan.intensity_indicator,
                    plan.intensity_indicator,
                )
            )
        else:
            for i, t in enumerate(plan.intensity_targets):
                if t.region == city and t.basic != ind.target_value:
                    out.append(
                        Finding(
                            "PLAN_SUM_MISMATCH",
                            ("intensity_targets", i, "basic"),
                            f"全市基本目标 {t.basic} 与指标 {ind.id} 的目标值 {ind.target_value} 不一致",
                        )
                    )
    for pollutant, indicator_id in plan.pollutant_indicators.items():
        ind = ids.get(indicator_id)
        if ind is None:
            out.append(
                Finding(
                    "PLAN_UNKNOWN_INDICATOR", ("pollutant_indicators", pollutant), indicator_id, indicator_id
                )
            )
            continue
        for i, t in enumerate(plan.pollutant_targets):
            amount = getattr(t, pollutant)
            if t.region == city and amount != ind.target_value:
                out.append(
                    Finding(
                        "PLAN_SUM_MISMATCH",
                        ("pollutant_targets", i, pollutant),
                        f"全市{POLLUTANT_NAMES_ZH[pollutant]} {amount} t 与指标 {ind.id} 的目标值 "
                        f"{ind.target_value} 不一致",
                    )
                )
    return out


def _check_pollutant_sums(plan: Plan) -> list[Finding]:
    """The rows of the whole area's direct sub-regions add up to the whole area's row."""
    roots = [r for r in plan.regions if r.parent is None]
    if len(roots) != 1:
        return []
    city = roots[0].name
    # The city's direct sub-regions. A row whose region (or its parent) is unknown is reported on
    # its own and still counted, so one misspelt name does not also show up as a sum mismatch;
    # only rows of deeper levels (a parent other than the city) are left out.
    parent_of = {r.name: r.parent for r in plan.regions}
    rows = plan.pollutant_targets
    city_rows = [i for i, t in enumerate(rows) if t.region == city]

    def counts(name: str) -> bool:
        if name == city:
            return False
        if name not in parent_of:
            return True
        parent = parent_of[name]
        return parent == city or parent not in parent_of

    parts = [t for t in rows if counts(t.region)]
    if not city_rows or not parts:
        return []
    i = city_rows[0]
    out: list[Finding] = []
    for pollutant in get_args(Pollutant):
        total = sum((getattr(t, pollutant) for t in parts), Decimal(0))
        stated = getattr(rows[i], pollutant)
        if total != stated:
            out.append(
                Finding(
                    "PLAN_SUM_MISMATCH",
                    ("pollutant_targets", i, pollutant),
                    f"{POLLUTANT_NAMES_ZH[pollutant]}：各地区合计 {total} t，全市 {stated} t",
                    stated,
                )
            )
    return out
