"""Indicator values: import them, and each indicator's progress by its kind."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.domain.plan.indicators import indicator_progress
from ecer.importers.indicators import read_indicator_values
from ecer.storage.db import session_scope
from ecer.storage.models import AuditEntry, ImportBatch, IndicatorValue
from ecer.storage.plans import active_plan


def import_indicator_values(url: str, path: Path, *, actor: str, channel: str = "cli",
                            status: str = "approved") -> dict[str, Any]:
    with session_scope(url) as session:
        plan = active_plan(session)
        rows = read_indicator_values(path, plan)
        batch = ImportBatch(kind="indicators", source_file=path.name,
                            sha256=hashlib.sha256(path.read_bytes()).hexdigest(), imported_by=actor,
                            channel=channel, rows_read=len(rows), rows_added=0)
        session.add(batch)
        session.flush()
        added = 0
        for row in rows:
            latest = _latest(session, plan.id, row.indicator_id, row.region, row.year)
            if latest is not None and latest.value == row.value and latest.source == row.source:
                continue
            session.add(IndicatorValue(batch_id=batch.id, plan_id=plan.id, indicator_id=row.indicator_id,
                                       region=row.region, year=row.year, value=row.value, source=row.source,
                                       status=status, created_by=actor))
            added += 1
        batch.rows_added = added
        session.add(AuditEntry(actor=actor, action="import.indicators", target=path.name,
                               detail={"batch_id": batch.id, "rows_added": added}))
        return {"kind": "indicators", "file": str(path), "batch_id": batch.id, "rows_read": len(rows),
                "rows_added": added, "status": status}


def _latest(session: Session, plan_id: str, indicator_id: str, region: str, year: int | None = None,
            up_to: int | None = None) -> IndicatorValue | None:
    query = select(IndicatorValue).where(
        IndicatorValue.plan_id == plan_id, IndicatorValue.indicator_id == indicator_id,
        IndicatorValue.region == region, IndicatorValue.status == "approved")
    if year is not None:
        query = query.where(IndicatorValue.year == year)
    if up_to is not None:
        query = query.where(IndicatorValue.year <= up_to)
    return session.scalars(query.order_by(IndicatorValue.year.desc(), IndicatorValue.id.desc()).limit(1)).first()


def indicator_table(session: Session, year: int | None = None) -> list[dict[str, Any]]:
    """Every indicator of the active plan with its latest approved value (up to ``year``) and progress."""
    plan = active_plan(session)
    rows = []
    for indicator in plan.indicators:
        region = indicator.region or plan.city.name
        latest = _latest(session, plan.id, indicator.id, region, up_to=year)
        value, value_year, source = (None, None, None) if latest is None else (latest.value, latest.year, latest.source)
        if latest is None and indicator.id == plan.intensity_indicator:
            value, value_year = _intensity_from_statistics(session, plan, year)
            source = None if value is None else "能耗双控核算（统计数据）"
        if latest is None and indicator.id in plan.pollutant_indicators.values():
            value, value_year = _reduction_from_projects(session, plan, indicator.id, year)
            source = None if value is None else "重点工程减排核算（工程台账）"
        progress = None if value is None else indicator_progress(indicator, value, value_year)
        rows.append({
            "indicator_id": indicator.id, "name_zh": indicator.name_zh, "unit": indicator.unit,
            "kind": indicator.kind, "region": region, "baseline": indicator.baseline,
            "target_value": indicator.target_value, "target_year": indicator.target_year,
            "year": value_year, "value": value, "source": source,
            "achieved": None if progress is None else progress.achieved,
            "progress": None if progress is None else progress.progress,
            "met": None if progress is None else progress.met,
            "status": "未报送" if progress is None else progress.status,
            "lead_departments": indicator.lead_departments,
        })
    return rows


def _reduction_from_projects(session: Session, plan: Any, indicator_id: str, year: int | None,
                             ) -> tuple[Any, int | None]:
    """The city's cumulative key-project reduction of the pollutant Annex 2 breaks this indicator down
    into (as on 重点工程 and ``ecer emissions progress``); None while no approved project counts."""
    from ecer.services.emission_projects import TARGET_FIELDS, progress

    column = next(c for c, i in plan.pollutant_indicators.items() if i == indicator_id)
    pollutant = next((p for p, c in TARGET_FIELDS.items() if c == column), None)
    last = min(year or plan.metadata.target_year, plan.metadata.target_year)
    try:
        rows = progress(session, last).rows
    except EcerError:  # no Annex 2 targets for the city in this plan
        return None, None
    row = next((r for r in rows if r.region == plan.city.name and r.pollutant == pollutant), None)
    if row is None or row.basis is None:
        return None, None
    return row.cumulative_reduction_t, last


def _intensity_from_statistics(session: Session, plan: Any, year: int | None) -> tuple[Any, int | None]:
    """The city's cumulative intensity reduction from the dual-control accounting, latest year with data."""
    from ecer.domain.energy.periods import Period
    from ecer.services.energy import barometer

    last = min(year or plan.metadata.target_year, plan.metadata.target_year)
    for candidate in range(last, plan.metadata.base_year, -1):
        city = barometer(session, candidate, Period.YEAR)[0]
        if city.cumulative_reduction is not None:
            return city.cumulative_reduction, candidate
    return None, None
