"""Key emission-reduction projects: revisioned registry rows and verified reductions.

A project is identified by its code (项目编号). Each import or ``ecer emissions projects add``
adds a revision with a review state (draft, submitted, approved, returned with a reason);
computations use the latest approved revision of each code. A verified reduction of one
pollutant replaces the claimed one once approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ecer.domain.errors import EcerError
from ecer.importers.emission_projects import ProjectRecord
from ecer.storage.models import Base, ImportBatch, utcnow
from ecer.storage.review import review_row
from ecer.storage.types import ExactDecimal

POLLUTANT_COLUMNS = {"COD": "cod_t", "NH3N": "nh3n_t", "NOx": "nox_t", "VOCs": "vocs_t"}


class EmissionProjectRevision(Base):
    __tablename__ = "emission_project_revisions"
    __table_args__ = (Index("ix_emission_project_revisions_key", "code", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(50))  # the one Annex 2 region it counts to (市本级 included)
    region_code: Mapped[str | None] = mapped_column(String(12))
    owner: Mapped[str] = mapped_column(String(300))
    project_type: Mapped[str] = mapped_column(String(60))
    pollutants: Mapped[str] = mapped_column(String(60))  # e.g. "COD,NH3N"
    parameters: Mapped[str] = mapped_column(Text)  # name[key]=value unit; …
    claimed_cod_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())  # t/a
    claimed_nh3n_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    claimed_nox_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    claimed_vocs_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    commissioning_date: Mapped[dt.date | None] = mapped_column(Date)
    project_status: Mapped[str] = mapped_column(String(20))  # planned | under_construction | commissioned | cancelled
    evidence: Mapped[str | None] = mapped_column(Text)
    offset_cod_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())  # t, deducted in offset_year
    offset_nh3n_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    offset_nox_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    offset_vocs_t: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    offset_year: Mapped[int | None] = mapped_column(Integer)
    offset_for: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # draft | submitted | approved | returned
    return_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source_file: Mapped[str] = mapped_column(String(500))
    source_row: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))

    def claimed(self) -> dict[str, Decimal]:
        return _by_pollutant(self, "claimed_")

    def offsets(self) -> dict[str, Decimal]:
        return _by_pollutant(self, "offset_")


class EmissionProjectVerification(Base):
    """A verified yearly reduction of one pollutant of one project (from monitoring or on site)."""

    __tablename__ = "emission_project_verifications"
    __table_args__ = (Index("ix_emission_project_verifications_key", "project_code", "pollutant", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_code: Mapped[str] = mapped_column(String(50))
    pollutant: Mapped[str] = mapped_column(String(10))
    verified_t: Mapped[Decimal] = mapped_column(ExactDecimal())  # t/a
    method: Mapped[str] = mapped_column(String(20))  # monitoring | on_site
    evidence: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))
    return_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _by_pollutant(row: Any, prefix: str) -> dict[str, Decimal]:
    values = {pol: getattr(row, prefix + col) for pol, col in POLLUTANT_COLUMNS.items()}
    return {pol: v for pol, v in values.items() if v is not None}


def add_project_revisions(
    session: Session, records: Iterable[ProjectRecord], *, batch: ImportBatch | None, source_file: str,
    status: str, actor: str,
) -> int:
    """Add a revision per record unless its latest revision is identical (and not returned); returns how many."""
    added = 0
    for rec in records:
        digest = rec.content_hash()
        latest = latest_revision(session, rec.code)
        if latest is not None and latest.content_hash == digest and latest.status != "returned":
            continue
        revision = EmissionProjectRevision(
            batch_id=None if batch is None else batch.id, code=rec.code, name=rec.name, region=rec.region,
            region_code=rec.region_code, owner=rec.owner, project_type=rec.project_type,
            pollutants=",".join(rec.pollutants), parameters=rec.parameters, start_date=rec.start_date,
            commissioning_date=rec.commissioning_date, project_status=rec.project_status, evidence=rec.evidence,
            offset_year=rec.offset_year, offset_for=rec.offset_for, note=rec.note, status=status,
            source_file=source_file, source_row=rec.source_row, created_by=actor, content_hash=digest,
        )
        for pol, col in POLLUTANT_COLUMNS.items():
            setattr(revision, "claimed_" + col, rec.claimed_t.get(pol))
            setattr(revision, "offset_" + col, (rec.offsets_t or {}).get(pol))
        if status == "approved":
            revision.reviewed_by, revision.reviewed_at = actor, utcnow()
        session.add(revision)
        added += 1
    session.flush()
    return added


def latest_revision(session: Session, code: str) -> EmissionProjectRevision | None:
    query = (select(EmissionProjectRevision).where(EmissionProjectRevision.code == code)
             .order_by(EmissionProjectRevision.id.desc()).limit(1))
    return session.scalars(query).first()


def review_project(session: Session, revision_id: int, action: str, actor: str,
                   reason: str | None = None) -> EmissionProjectRevision:
    return review_row(session, EmissionProjectRevision, revision_id, "减排工程修订", action, actor, reason)


def project_revisions(session: Session, code: str | None = None, region: str | None = None,
                      ) -> list[EmissionProjectRevision]:
    query = select(EmissionProjectRevision)
    if code is not None:
        query = query.where(EmissionProjectRevision.code == code)
    if region is not None:
        query = query.where(EmissionProjectRevision.region == region)
    return list(session.scalars(query.order_by(EmissionProjectRevision.id)))


def latest_approved_projects(session: Session) -> list[EmissionProjectRevision]:
    """The latest approved revision of every project code, in code order."""
    latest: dict[str, EmissionProjectRevision] = {}
    query = select(EmissionProjectRevision).where(EmissionProjectRevision.status == "approved")
    for rev in session.scalars(query.order_by(EmissionProjectRevision.id)):
        latest[rev.code] = rev
    return [latest[code] for code in sorted(latest)]


def add_verification(session: Session, *, project_code: str, pollutant: str, verified_t: Decimal, method: str,
                     actor: str, status: str = "submitted", evidence: str | None = None,
                     detail: dict[str, Any] | None = None) -> EmissionProjectVerification:
    if latest_revision(session, project_code) is None:
        raise EcerError("NOT_FOUND", f"减排工程 {project_code}")
    if pollutant not in POLLUTANT_COLUMNS:
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"污染物 {pollutant}", field="pollutant", value=pollutant)
    if verified_t < 0:
        raise EcerError("PROJECT_VERIFICATION_INVALID", "核查减排量不能为负", field="verified_t", value=verified_t)
    row = EmissionProjectVerification(project_code=project_code, pollutant=pollutant, verified_t=verified_t,
                                      method=method, evidence=evidence, detail=detail, status=status,
                                      created_by=actor)
    if status == "approved":
        row.reviewed_by, row.reviewed_at = actor, utcnow()
    session.add(row)
    session.flush()
    return row


def review_verification(session: Session, verification_id: int, action: str, actor: str,
                        reason: str | None = None) -> EmissionProjectVerification:
    return review_row(session, EmissionProjectVerification, verification_id, "核查记录", action, actor, reason)


def verifications(session: Session, project_code: str | None = None) -> list[EmissionProjectVerification]:
    query = select(EmissionProjectVerification)
    if project_code is not None:
        query = query.where(EmissionProjectVerification.project_code == project_code)
    return list(session.scalars(query.order_by(EmissionProjectVerification.id)))


def approved_verified_t(session: Session) -> dict[tuple[str, str], Decimal]:
    """(project code, pollutant) → the latest approved verified reduction. [t/a]"""
    result: dict[tuple[str, str], Decimal] = {}
    for row in verifications(session):
        if row.status == "approved":
            result[(row.project_code, row.pollutant)] = row.verified_t
    return result
