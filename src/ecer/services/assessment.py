"""Yearly and whole-period assessment of the Annex 1 districts: score sheets from storage and domain.

The city is the assessor: every Annex 1 region except the plan's own area is assessed, named as
Annex 1 names it. Draft and reviewed assessments are computed afresh from the latest approved
data; a published one is read from its stored snapshot.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.assessment.completion import (
    Completion,
    period_intensity_completion,
    pollutant_completion,
    year_intensity_completion,
)
from ecer.domain.assessment.key_units import key_units_score
from ecer.domain.assessment.rubric import Rubric, load_rubric
from ecer.domain.assessment.sheet import AutoScore, HumanScore, score_sheet
from ecer.domain.assessment.timeliness import alarm_handling_score, timeliness_score
from ecer.domain.energy.dual_control import DualControlResult, account
from ecer.domain.energy.periods import Period
from ecer.domain.energy.targets import annual_target
from ecer.services.assessment_inputs import alarm_counts, key_unit_standings
from ecer.services.energy import accounting_rules, generation_coal_rate, region_targets
from ecer.storage import assessment as store
from ecer.storage import statistics
from ecer.storage.plans import active_plan

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
NUMBER_KEYS = ("score", "points", "max_points")


def assessed_regions(plan: Any) -> list[Any]:
    """Annex 1 regions without the plan's own area (吉林市 assesses, it is not assessed)."""
    return [r for r in plan.annex1_regions() if r != plan.city]


def assessed_region(plan: Any, name_or_code: str) -> Any:
    from ecer.domain.errors import EcerError

    region = plan.region(name_or_code)
    if region not in assessed_regions(plan):
        names = "、".join(r.name for r in assessed_regions(plan))
        raise EcerError("ASSESS_UNKNOWN_REGION", f"{region.name}（被考核地区：{names}）", field="region",
                        value=name_or_code)
    return region


# --- automatic items --------------------------------------------------------------------------

def _first_submissions(session: Session, region: str, year: int) -> dict[str, dt.date | None]:
    """Period → the local (UTC+8) date its figures were first submitted (drafts do not count)."""
    first: dict[str, dt.date | None] = {}
    for rev in statistics.revisions(session, region, year):
        if rev.status == "draft":
            continue
        when = rev.created_at if rev.created_at.tzinfo else rev.created_at.replace(tzinfo=dt.UTC)
        day = when.astimezone(CHINA_STANDARD_TIME).date()
        if first.get(rev.period) is None or day < first[rev.period]:  # type: ignore[operator]
            first[rev.period] = day
    return first


def auto_scores(session: Session, rubric: Rubric, region: str, year: int) -> dict[str, AutoScore]:
    scores: dict[str, AutoScore] = {}
    for item in rubric.measures:
        if item.method == "timeliness" and rubric.timeliness is not None:
            scores[item.code] = timeliness_score(year, rubric.timeliness.deadlines,
                                                 _first_submissions(session, region, year), item.max_points)
        elif item.method == "alarm_handling":
            hours = rubric.timeliness.alarm_handling_hours if rubric.timeliness else 24
            counts = alarm_counts(session, region, year, hours)
            scores[item.code] = alarm_handling_score(*(counts or (None, None)), item.max_points)
        elif item.method == "key_units" and rubric.key_units is not None:
            today = dt.datetime.now(CHINA_STANDARD_TIME).date()
            standings = key_unit_standings(session, region, year, rubric.key_units, today)
            scores[item.code] = key_units_score(standings, rubric.key_units, item.max_points)
        elif item.method in ("key_units", "key_projects"):
            scores[item.code] = AutoScore(None, "计分表未给出重点用能单位计分规则" if item.method == "key_units"
                                          else "重点工程模块尚无数据")
    return scores


# --- target completion ------------------------------------------------------------------------

def _energy_results(session: Session, plan: Any, year: int) -> dict[str, DualControlResult]:
    rules = accounting_rules(plan)
    stats = statistics.latest_approved(session)
    return {r.name: account(r.name, year, Period.YEAR, stats.get(r.name, {}), region_targets(plan, r.name), rules,
                            generation_coal_rate)
            for r in assessed_regions(plan)}


def _energy_completion(plan: Any, region: str, year: int, scope: str, result: DualControlResult) -> Completion:
    rules = accounting_rules(plan)
    targets = region_targets(plan, region)
    if scope == "period":
        return period_intensity_completion(result.cumulative_reduction, targets.basic, rules.base_year, year)
    source = "规划年度目标" if year in targets.annual else "规划路径年均降速"
    return year_intensity_completion(result.intensity_change, annual_target(targets.basic, year, rules, targets.annual),
                                     year, source)


def pollutant_rows(session: Session, year: int) -> list[Any] | None:
    """Annex 2 progress rows from the key-project registry (issue 5); None while it has no projects."""
    try:
        from ecer.services.emission_projects import progress
        from ecer.storage.emission_projects import latest_approved_projects
    except ImportError:
        return None
    if not latest_approved_projects(session):
        return None
    return list(progress(session, year).rows)


def _pollutant_completions(session: Session, plan: Any, region: str, year: int) -> dict[str, Completion | None]:
    names = {"cod_t": "化学需氧量", "nh3n_t": "氨氮", "nox_t": "氮氧化物", "vocs_t": "挥发性有机物"}
    fields = {"COD": "cod_t", "NH3N": "nh3n_t", "NOx": "nox_t", "VOCs": "vocs_t"}
    try:
        target = plan.pollutant_target(region)
    except Exception:  # a region without Annex 2 targets
        return {}
    rows = pollutant_rows(session, year)
    found = {fields[r.pollutant]: r for r in rows or [] if r.region == region and r.pollutant in fields}
    result: dict[str, Completion | None] = {}
    for code, name in names.items():
        row = found.get(code)
        result[code] = pollutant_completion(
            name, None if row is None else row.cumulative_reduction_t, Decimal(getattr(target, code)),
            None if row is None else row.required_progress, year)
    return result


# --- the assessment of one region --------------------------------------------------------------

def _human(session: Session, record: store.Assessment | None) -> dict[str, HumanScore]:
    if record is None:
        return {}
    return {code: HumanScore(s.self_points, s.self_comment, s.review_points, s.review_comment)
            for code, s in store.scores(session, record.id).items()}


def _result(region: Any, year: int, scope: str, rubric: Rubric, sheet: Any, record: store.Assessment | None
            ) -> dict[str, Any]:
    return {
        "region": region.name, "region_code": region.code, "year": year, "score": sheet.score,
        "rating": sheet.rating, "vetoed": sheet.vetoed,
        "items": [{"code": i.code, "name": i.name, "points": i.points, "max_points": i.max_points, "basis": i.basis,
                   "source": i.source} for i in sheet.items],
        "status": record.status if record else "draft", "scope": scope, "rubric_id": rubric.id,
        "self_submitted": bool(record and record.self_submitted_at),
    }


def _freeze(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (Decimal(v) if k in NUMBER_KEYS and isinstance(v, str) else _thaw(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    return value


def evaluate(session: Session, year: int, *, scope: str = "year", rubric_id: str = "energy-2021",
             region: str | None = None) -> list[dict[str, Any]]:
    """One result per assessed region (Annex 1 order): score, rating, veto, items, status."""
    plan = active_plan(session)
    rubric = load_rubric(rubric_id)
    records = store.for_year(session, rubric_id=rubric.id, year=year, scope=scope)
    regions = assessed_regions(plan) if region is None else [assessed_region(plan, region)]
    energy = _energy_results(session, plan, year) if rubric.kind == "energy" else {}
    results = []
    for r in regions:
        record = records.get(r.name)
        if record is not None and record.status == "published" and record.snapshot:
            results.append({**_thaw(record.snapshot), "status": "published"})
            continue
        if rubric.kind == "energy":
            completions: dict[str, Completion | None] = {
                t.code: _energy_completion(plan, r.name, year, scope, energy[r.name]) for t in rubric.targets}
        else:
            completions = _pollutant_completions(session, plan, r.name, year)
        sheet = score_sheet(rubric, completions, auto_scores(session, rubric, r.name, year), _human(session, record))
        results.append(_result(r, year, scope, rubric, sheet, record))
    return results


def ranking(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Competition ranking (1, 2, 2, 4): vetoed regions last, then by score, highest first."""
    ordered = sorted(results, key=lambda r: (r["vetoed"], -r["score"]))
    ranked: list[dict[str, Any]] = []
    for position, r in enumerate(ordered, start=1):
        previous = ranked[-1] if ranked else None
        same = previous is not None and (previous["vetoed"], previous["score"]) == (r["vetoed"], r["score"])
        rank = previous["rank"] if same else position
        ranked.append({"rank": rank, "region": r["region"], "region_code": r["region_code"], "year": r["year"],
                       "score": r["score"], "rating": r["rating"], "vetoed": r["vetoed"], "status": r["status"]})
    return ranked


def freeze(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON snapshot stored on publication (Decimals as exact text)."""
    return _freeze(result)
