"""The two-high inventory: add or update projects from checked rows, the supervision log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.importers.two_high import ProjectRow
from ecer.storage.key_units import TwoHighLogEntry, TwoHighProject
from ecer.storage.models import utcnow

FIELDS = ("industry_code", "industry_name", "region", "status", "product", "capacity", "capacity_unit",
          "unit_consumption", "energy_calorific_tce", "energy_primary_tce", "coal_t", "coal_replacement",
          "replacement_source", "review_number", "review_date", "actions")


def _values(row: ProjectRow) -> dict[str, object]:
    values = {f: getattr(row, f) for f in FIELDS}
    values["status"] = row.status.value
    values["coal_replacement"] = row.coal_replacement.value
    return values


def save_projects(session: Session, rows: list[ProjectRow], known_units: dict[str, int], *, actor: str,
                  batch_id: int | None) -> int:
    """Add new projects and update changed ones (by name); returns how many changed."""
    changed = 0
    for row in rows:
        values = _values(row)
        values["unit_id"] = known_units.get(row.credit_code) if row.credit_code else None
        project = session.scalars(select(TwoHighProject).where(TwoHighProject.name == row.name)).first()
        if project is None:
            session.add(TwoHighProject(name=row.name, created_by=actor, batch_id=batch_id, **values))
            changed += 1
        elif any(getattr(project, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(project, k, v)
            project.updated_at = utcnow()
            changed += 1
    session.flush()
    return changed


def projects(session: Session, region: str | None = None) -> list[TwoHighProject]:
    query = select(TwoHighProject).order_by(TwoHighProject.region, TwoHighProject.id)
    if region is not None:
        query = query.where(TwoHighProject.region == region)
    return list(session.scalars(query))


def project(session: Session, ref: str) -> TwoHighProject:
    """By id or name."""
    found = session.get(TwoHighProject, int(ref)) if ref.isdigit() else session.scalars(
        select(TwoHighProject).where(TwoHighProject.name == ref)).first()
    if found is None:
        raise EcerError("NOT_FOUND", f"“两高”项目 {ref}")
    return found


def add_log(session: Session, project_id: int, date: dt.date, note: str, actor: str) -> TwoHighLogEntry:
    entry = TwoHighLogEntry(project_id=project_id, date=date, note=note, actor=actor)
    session.add(entry)
    session.flush()
    return entry


def log_of(session: Session, project_id: int) -> list[TwoHighLogEntry]:
    query = select(TwoHighLogEntry).where(TwoHighLogEntry.project_id == project_id)
    return list(session.scalars(query.order_by(TwoHighLogEntry.date, TwoHighLogEntry.id)))
