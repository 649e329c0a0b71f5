"""Assessments (考核) per region, year and scope: human scores, evidence, appeals, frozen results.

Automatic items are computed from the data each time a draft or reviewed assessment is shown;
publishing stores the whole result as a snapshot, and a published assessment is shown from its
snapshot only, so later data changes do not alter it.

Status: draft → reviewed → published. The district submits its self-assessment first
(``self_submitted_at``); only then may reviewers score; appeals are filed on a reviewed result and
decided before publication.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ecer.domain.errors import EcerError
from ecer.storage.models import Base, utcnow
from ecer.storage.types import ExactDecimal

SCOPES = ("year", "period")  # a year's assessment, or the whole five-year period ending that year


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("rubric_id", "region", "year", "scope", name="assessment_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(100))
    rubric_id: Mapped[str] = mapped_column(String(50))
    region: Mapped[str] = mapped_column(String(50))
    region_code: Mapped[str | None] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(10))  # year | period
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | reviewed | published
    self_submitted_by: Mapped[str | None] = mapped_column(String(100))
    self_submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[dict | None] = mapped_column(JSON)  # the published result, frozen
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentScore(Base):
    """The district's and the reviewer's points for one item of one assessment."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "item_code", name="assessment_score_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    item_code: Mapped[str] = mapped_column(String(50))
    self_points: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    self_comment: Mapped[str | None] = mapped_column(Text)
    self_by: Mapped[str | None] = mapped_column(String(100))
    review_points: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    review_comment: Mapped[str | None] = mapped_column(Text)
    review_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class AssessmentEvidence(Base):
    """A file supporting an item's score (佐证材料), kept with its hash."""

    __tablename__ = "assessment_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    item_code: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentAppeal(Base):
    """A district's appeal (申诉) against an item or the whole result, and its decision."""

    __tablename__ = "assessment_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    item_code: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(10))  # upheld | rejected
    decision_reason: Mapped[str | None] = mapped_column(Text)
    new_points: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    extra: Mapped[dict | None] = mapped_column(JSON)


def get_or_create(session: Session, *, plan_id: str, rubric_id: str, region: str, region_code: str | None,
                  year: int, scope: str) -> Assessment:
    found = find(session, rubric_id=rubric_id, region=region, year=year, scope=scope)
    if found is not None:
        return found
    record = Assessment(plan_id=plan_id, rubric_id=rubric_id, region=region, region_code=region_code, year=year,
                        scope=scope, status="draft")
    session.add(record)
    session.flush()
    return record


def find(session: Session, *, rubric_id: str, region: str, year: int, scope: str) -> Assessment | None:
    return session.scalars(select(Assessment).where(
        Assessment.rubric_id == rubric_id, Assessment.region == region, Assessment.year == year,
        Assessment.scope == scope)).first()


def for_year(session: Session, *, rubric_id: str, year: int, scope: str) -> dict[str, Assessment]:
    """Region → its stored assessment (regions never touched have none)."""
    rows = session.scalars(select(Assessment).where(
        Assessment.rubric_id == rubric_id, Assessment.year == year, Assessment.scope == scope))
    return {a.region: a for a in rows}


def scores(session: Session, assessment_id: int) -> dict[str, AssessmentScore]:
    rows = session.scalars(select(AssessmentScore).where(AssessmentScore.assessment_id == assessment_id))
    return {s.item_code: s for s in rows}


def score_row(session: Session, assessment: Assessment, item_code: str) -> AssessmentScore:
    row = scores(session, assessment.id).get(item_code)
    if row is None:
        row = AssessmentScore(assessment_id=assessment.id, item_code=item_code)
        session.add(row)
    return row


def require_editable(assessment: Assessment) -> None:
    if assessment.status == "published":
        raise EcerError("ASSESS_PUBLISHED", f"{assessment.region} {assessment.year}")


def evidence(session: Session, assessment_id: int) -> list[AssessmentEvidence]:
    return list(session.scalars(select(AssessmentEvidence).where(AssessmentEvidence.assessment_id == assessment_id)
                                .order_by(AssessmentEvidence.id)))


def appeals(session: Session, assessment_id: int) -> list[AssessmentAppeal]:
    return list(session.scalars(select(AssessmentAppeal).where(AssessmentAppeal.assessment_id == assessment_id)
                                .order_by(AssessmentAppeal.id)))


def pending_appeals(session: Session, assessment_id: int) -> list[AssessmentAppeal]:
    return [a for a in appeals(session, assessment_id) if a.decision is None]
