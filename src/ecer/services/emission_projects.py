"""Key emission-reduction projects: import, add, verify, and Annex 2 progress from storage."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.pollutants.formulas import POLLUTANTS
from ecer.domain.pollutants.progress import Offset, Progress, ProjectReduction, pollutant_progress
from ecer.importers.emission_projects import COLUMNS, check_projects, read_projects
from ecer.importers.tabular import RawTable
from ecer.storage import emission_projects as store
from ecer.storage.db import session_scope
from ecer.storage.models import AuditEntry, ImportBatch
from ecer.storage.plans import active_plan

TARGET_FIELDS = {"COD": "cod_t", "NH3N": "nh3n_t", "NOx": "nox_t", "VOCs": "vocs_t"}


def import_projects(url: str, path: Path, *, actor: str, channel: str = "cli", status: str = "approved",
                    ) -> dict[str, Any]:
    """All or nothing: every row is checked before anything is written; a CLI import is approved."""
    with session_scope(url) as session:
        records = read_projects(path, active_plan(session))
        batch = ImportBatch(kind="emission-projects", source_file=path.name,
                            sha256=hashlib.sha256(path.read_bytes()).hexdigest(), imported_by=actor,
                            channel=channel, rows_read=len(records), rows_added=0)
        session.add(batch)
        session.flush()
        batch.rows_added = store.add_project_revisions(session, records, batch=batch, source_file=path.name,
                                                       status=status, actor=actor)
        session.add(AuditEntry(actor=actor, action="import.emission-projects", target=path.name,
                               detail={"batch_id": batch.id, "rows_read": len(records),
                                       "rows_added": batch.rows_added, "status": status}))
        return {"kind": "emission-projects", "file": str(path), "batch_id": batch.id, "rows_read": len(records),
                "rows_added": batch.rows_added, "status": status}


def add_project(url: str, fields: dict[str, Any], *, actor: str, status: str = "approved") -> dict[str, Any]:
    """One project from the command line, checked exactly like a workbook row."""
    keys = [c.key for c in COLUMNS]
    table = RawTable("命令行", None, [c.header for c in COLUMNS], [(2, [fields.get(k) for k in keys])])
    with session_scope(url) as session:
        record = check_projects(table, active_plan(session))[0]
        added = store.add_project_revisions(session, [record], batch=None, source_file="命令行", status=status,
                                            actor=actor)
        session.add(AuditEntry(actor=actor, action="emission-projects.add", target=record.code,
                               detail={"added": added, "status": status}))
        return {"code": record.code, "revisions_added": added, "status": status,
                "claimed_t": dict(record.claimed_t)}


def record_row(rev: store.EmissionProjectRevision, verified: dict[tuple[str, str], Decimal]) -> dict[str, Any]:
    """A revision as the list and show commands print it; verified replaces claimed once approved."""
    claimed = rev.claimed()
    used = {pol: verified.get((rev.code, pol), value) for pol, value in claimed.items()}
    kinds = {(rev.code, pol) in verified for pol in claimed}
    basis = "verified" if kinds == {True} else "claimed" if kinds == {False} else "mixed"
    return {
        "id": rev.id, "code": rev.code, "name": rev.name, "region": rev.region, "region_code": rev.region_code,
        "owner": rev.owner, "project_type": rev.project_type, "pollutants": rev.pollutants.split(","),
        "parameters": rev.parameters, "claimed_t": claimed, "reduction_t": used, "basis": basis,
        "start_date": rev.start_date, "commissioning_date": rev.commissioning_date,
        "project_status": rev.project_status, "evidence": rev.evidence, "offsets_t": rev.offsets(),
        "offset_year": rev.offset_year, "offset_for": rev.offset_for, "note": rev.note, "status": rev.status,
        "return_reason": rev.return_reason, "source_file": rev.source_file, "source_row": rev.source_row,
        "created_by": rev.created_by, "created_at": rev.created_at,
    }


@dataclass(frozen=True)
class ProgressReport:
    rows: list[Progress]
    mismatches: list[str]


def _counted(projects: list[store.EmissionProjectRevision], verified: dict[tuple[str, str], Decimal],
             ) -> tuple[dict[tuple[str, str], list[ProjectReduction]], dict[tuple[str, str], list[Offset]]]:
    reductions: dict[tuple[str, str], list[ProjectReduction]] = defaultdict(list)
    offsets: dict[tuple[str, str], list[Offset]] = defaultdict(list)
    for rev in projects:
        if rev.project_status != "commissioned" or rev.commissioning_date is None:
            continue
        for pol, claimed in rev.claimed().items():
            value = verified.get((rev.code, pol))
            reductions[(rev.region, pol)].append(ProjectReduction(
                rev.commissioning_date.year, claimed if value is None else value, verified=value is not None))
        if rev.offset_year is not None:
            for pol, amount in rev.offsets().items():
                offsets[(rev.region, pol)].append(Offset(rev.offset_year, amount))
    return reductions, offsets


def progress(session: Session, year: int) -> ProgressReport:
    """One row per Annex 2 region (city first, 市本级 included) and pollutant; the city row sums the regions.

    Projects count to one Annex 2 region other than the city itself, so the city's tally is the
    sum of the regions' tallies; a city target that differs from the sum of the regions'
    targets, or a city tally that differs from the sum, is reported in ``mismatches``.
    """
    plan = active_plan(session)
    base, target_year = plan.metadata.base_year, plan.metadata.target_year
    reductions, offsets = _counted(store.latest_approved_projects(session), store.approved_verified_t(session))
    city = plan.city
    districts = [r for r in plan.annex2_regions() if r != city]
    rows: list[Progress] = []
    mismatches: list[str] = []
    by_region: dict[tuple[str, str], Progress] = {}
    for region in plan.annex2_regions():
        for pol in POLLUTANTS:
            names = [d.name for d in districts] if region == city else [region.name]
            by_region[(region.name, pol)] = pollutant_progress(
                region=region.name, region_code=region.code, pollutant=pol, year=year,
                target_t=Decimal(getattr(plan.pollutant_target(region.name), TARGET_FIELDS[pol])),
                projects=[p for n in names for p in reductions.get((n, pol), [])],
                offsets=[o for n in names for o in offsets.get((n, pol), [])],
                base_year=base, target_year=target_year,
            )
            rows.append(by_region[(region.name, pol)])
    if city in plan.annex2_regions():
        for pol in POLLUTANTS:
            city_row = by_region[(city.name, pol)]
            tally = sum((by_region[(d.name, pol)].cumulative_reduction_t for d in districts), Decimal(0))
            target = sum((by_region[(d.name, pol)].target_t for d in districts), Decimal(0))
            if city_row.cumulative_reduction_t != tally:
                mismatches.append(f"{pol}：全市累计 {city_row.cumulative_reduction_t} t ≠ 各县区之和 {tally} t")
            if city_row.target_t != target:
                mismatches.append(f"{pol}：全市目标 {city_row.target_t} t ≠ 各县区目标之和 {target} t")
    return ProgressReport(rows, mismatches)


def progress_json(row: Progress) -> dict[str, Any]:
    """Exactly the keys of the ``ecer emissions progress --json`` contract (issue 5 §4)."""
    return {
        "region": row.region, "region_code": row.region_code, "pollutant": row.pollutant, "year": row.year,
        "cumulative_reduction_t": row.cumulative_reduction_t, "target_t": row.target_t,
        "required_progress": row.required_progress, "completion": row.completion, "level": row.level,
        "basis": row.basis,
    }


def has_demo_projects(session: Session) -> bool:
    from sqlalchemy import select

    query = (select(store.EmissionProjectRevision.id)
             .join(ImportBatch, ImportBatch.id == store.EmissionProjectRevision.batch_id)
             .where(ImportBatch.channel == "demo").limit(1))
    return session.scalar(query) is not None
