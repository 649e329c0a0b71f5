"""Revisioned monthly energy reports of key units: add, review, read the latest approved lines."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.energy.reports import Item, ReportLine
from ecer.importers.key_units import MonthRows
from ecer.storage.key_units import AnnualReportNarrative, EnergyReportLine, EnergyReportRevision
from ecer.storage.models import ImportBatch
from ecer.storage.review import review_row


def content_hash(lines: list[ReportLine]) -> str:
    items = sorted([line.item.value, line.name, line.product or "", format(line.quantity.normalize(), "f"),
                    line.unit] for line in lines)
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode()).hexdigest()


def add_revisions(session: Session, months: list[MonthRows], known_units: dict[str, int], *,
                  batch: ImportBatch, status: str, actor: str) -> int:
    """A revision per unit and month unless the latest one is identical (and not returned)."""
    added = 0
    for group in months:
        unit_id = known_units[group.credit_code]
        lines = [line for _, line in group.lines]
        digest = content_hash(lines)
        latest = session.scalars(
            select(EnergyReportRevision)
            .where(EnergyReportRevision.unit_id == unit_id, EnergyReportRevision.year == group.year,
                   EnergyReportRevision.month == group.month)
            .order_by(EnergyReportRevision.id.desc()).limit(1)
        ).first()
        if latest is not None and latest.content_hash == digest and latest.status != "returned":
            continue
        revision = EnergyReportRevision(
            batch_id=batch.id, unit_id=unit_id, year=group.year, month=group.month, status=status,
            source_file=batch.source_file, created_by=actor, content_hash=digest)
        if status == "approved":
            revision.reviewed_by, revision.reviewed_at = actor, dt.datetime.now(dt.UTC)
        session.add(revision)
        session.flush()
        session.add_all(EnergyReportLine(revision_id=revision.id, item=line.item.value, name=line.name,
                                         product=line.product, quantity=line.quantity, unit=line.unit,
                                         source_row=source_row)
                        for source_row, line in group.lines)
        added += 1
    return added


def review(session: Session, revision_id: int, action: str, actor: str,
           reason: str | None = None) -> EnergyReportRevision:
    """Submit, approve or return (with a reason) one monthly report revision."""
    return review_row(session, EnergyReportRevision, revision_id, "能源月报修订", action, actor, reason)


def revisions(session: Session, unit_id: int, year: int | None = None) -> list[EnergyReportRevision]:
    query = select(EnergyReportRevision).where(EnergyReportRevision.unit_id == unit_id)
    if year is not None:
        query = query.where(EnergyReportRevision.year == year)
    return list(session.scalars(query.order_by(EnergyReportRevision.year, EnergyReportRevision.month,
                                               EnergyReportRevision.id)))


def approved_months(session: Session, unit_ids: list[int] | None = None,
                    years: tuple[int, int] | None = None) -> dict[int, dict[tuple[int, int], list[ReportLine]]]:
    """Unit id → (year, month) → lines of the latest approved revision."""
    query = select(EnergyReportRevision).where(EnergyReportRevision.status == "approved")
    if unit_ids is not None:
        query = query.where(EnergyReportRevision.unit_id.in_(unit_ids))
    if years is not None:
        query = query.where(EnergyReportRevision.year.between(*years))
    latest: dict[tuple[int, int, int], int] = {}
    for rev in session.scalars(query.order_by(EnergyReportRevision.id)):
        latest[(rev.unit_id, rev.year, rev.month)] = rev.id
    by_revision: dict[int, list[ReportLine]] = defaultdict(list)
    ids = list(latest.values())
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for line in session.scalars(select(EnergyReportLine).where(EnergyReportLine.revision_id.in_(chunk))
                                    .order_by(EnergyReportLine.id)):
            by_revision[line.revision_id].append(
                ReportLine(Item(line.item), line.name, line.quantity, line.unit, line.product))
    result: dict[int, dict[tuple[int, int], list[ReportLine]]] = defaultdict(dict)
    for (unit_id, year, month), rev_id in latest.items():
        result[unit_id][(year, month)] = by_revision.get(rev_id, [])
    return dict(result)


NARRATIVE_FIELDS = ("management", "projects", "problems", "plans")


def narrative(session: Session, unit_id: int, year: int) -> AnnualReportNarrative | None:
    query = select(AnnualReportNarrative).where(AnnualReportNarrative.unit_id == unit_id,
                                                AnnualReportNarrative.year == year)
    return session.scalars(query).first()


def set_narrative(session: Session, unit_id: int, year: int, fields: dict[str, str], actor: str) -> bool:
    """Set the given narrative fields of the annual report; returns whether anything changed."""
    record = narrative(session, unit_id, year)
    if record is None:
        record = AnnualReportNarrative(unit_id=unit_id, year=year, updated_by=actor)
        session.add(record)
    changed = False
    for name, value in fields.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    if changed:
        record.updated_by, record.updated_at = actor, dt.datetime.now(dt.UTC)
    session.flush()
    return changed
