"""The assessment's workflow: self-assessment, review, appeals and decisions, publication.

district: ``self_assess`` item by item (points, comment, evidence), then ``submit_self``;
reviewer: ``review_item`` (also overrides an automatic item), ``finish_review`` → reviewed;
district: ``appeal`` a reviewed result (reason required); reviewer: ``decide`` (upheld with new
points, or rejected; reason required); city: ``publish`` → the result is frozen as a snapshot.
Every action is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.assessment.rubric import MeasureItem, load_rubric
from ecer.domain.errors import EcerError
from ecer.services.assessment import assessed_region, evaluate, freeze
from ecer.storage import assessment as store
from ecer.storage.models import AuditEntry
from ecer.storage.plans import active_plan


def _record(session: Session, year: int, region: str, scope: str, rubric_id: str) -> tuple[store.Assessment, Any]:
    plan = active_plan(session)
    r = assessed_region(plan, region)
    record = store.get_or_create(session, plan_id=plan.id, rubric_id=rubric_id, region=r.name, region_code=r.code,
                                 year=year, scope=scope)
    return record, r


def _audit(session: Session, actor: str, action: str, record: store.Assessment, **detail: Any) -> None:
    session.add(AuditEntry(actor=actor, action=f"assessment.{action}",
                           target=f"{record.rubric_id}/{record.scope}/{record.year}/{record.region}",
                           detail={k: (str(v) if isinstance(v, Decimal) else v) for k, v in detail.items()}))


def _measure(rubric_id: str, item_code: str) -> MeasureItem:
    item = load_rubric(rubric_id).item(item_code)
    if not isinstance(item, MeasureItem):
        raise EcerError("ASSESS_TARGET_NOT_SCORABLE", item.name, field="item", value=item_code)
    return item


def _check_points(item: MeasureItem, points: Decimal) -> None:
    if not (Decimal(0) <= points <= item.max_points):
        raise EcerError("ASSESS_POINTS_OUT_OF_RANGE", f"{item.name} 满分 {item.max_points}", field="points",
                        value=points)


def _add_evidence(session: Session, record: store.Assessment, item_code: str, path: Path, actor: str) -> None:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise EcerError("ASSESS_EVIDENCE_UNREADABLE", exc.__class__.__name__, file=str(path)) from exc
    session.add(store.AssessmentEvidence(assessment_id=record.id, item_code=item_code, file_name=path.name,
                                         sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
                                         content=content, uploaded_by=actor))


def self_assess(session: Session, *, year: int, region: str, item_code: str, points: Decimal, actor: str,
                comment: str | None = None, evidence: list[Path] | None = None, scope: str = "year",
                rubric_id: str = "energy-2021") -> store.Assessment:
    """The district's own points for one measure item, with evidence files; only while draft."""
    record, _ = _record(session, year, region, scope, rubric_id)
    store.require_editable(record)
    if record.status != "draft" or record.self_submitted_at is not None:
        raise EcerError("ASSESS_BAD_TRANSITION", f"{record.status}，自评已提交" if record.self_submitted_at
                        else record.status)
    item = _measure(rubric_id, item_code)
    _check_points(item, points)
    row = store.score_row(session, record, item_code)
    row.self_points, row.self_comment, row.self_by = points, comment, actor
    for path in evidence or []:
        _add_evidence(session, record, item_code, path, actor)
    _audit(session, actor, "self", record, item=item_code, points=points, comment=comment,
           evidence=[p.name for p in evidence or []])
    return record


def submit_self(session: Session, *, year: int, region: str, actor: str, scope: str = "year",
                rubric_id: str = "energy-2021") -> store.Assessment:
    record, _ = _record(session, year, region, scope, rubric_id)
    store.require_editable(record)
    if record.self_submitted_at is not None:
        raise EcerError("ASSESS_BAD_TRANSITION", "自评已提交")
    record.self_submitted_at, record.self_submitted_by = dt.datetime.now(dt.UTC), actor
    _audit(session, actor, "self.submit", record)
    return record


def review_item(session: Session, *, year: int, region: str, item_code: str, points: Decimal, actor: str,
                comment: str | None = None, evidence: list[Path] | None = None, scope: str = "year",
                rubric_id: str = "energy-2021") -> store.Assessment:
    """The reviewer's points for a measure item (an override where the item is scored from data)."""
    record, _ = _record(session, year, region, scope, rubric_id)
    store.require_editable(record)
    if record.self_submitted_at is None:
        raise EcerError("ASSESS_SELF_FIRST", record.region)
    item = _measure(rubric_id, item_code)
    _check_points(item, points)
    row = store.score_row(session, record, item_code)
    row.review_points, row.review_comment, row.review_by = points, comment, actor
    for path in evidence or []:
        _add_evidence(session, record, item_code, path, actor)
    _audit(session, actor, "review", record, item=item_code, points=points, comment=comment)
    return record


def finish_review(session: Session, *, year: int, region: str, actor: str, scope: str = "year",
                  rubric_id: str = "energy-2021") -> store.Assessment:
    record, _ = _record(session, year, region, scope, rubric_id)
    store.require_editable(record)
    if record.self_submitted_at is None:
        raise EcerError("ASSESS_SELF_FIRST", record.region)
    if record.status != "draft":
        raise EcerError("ASSESS_BAD_TRANSITION", f"{record.status} → reviewed")
    record.status, record.reviewed_by, record.reviewed_at = "reviewed", actor, dt.datetime.now(dt.UTC)
    _audit(session, actor, "reviewed", record)
    return record


def appeal(session: Session, *, year: int, region: str, reason: str, actor: str, item_code: str | None = None,
           scope: str = "year", rubric_id: str = "energy-2021") -> store.AssessmentAppeal:
    record, _ = _record(session, year, region, scope, rubric_id)
    store.require_editable(record)
    if record.status != "reviewed":
        raise EcerError("ASSESS_BAD_TRANSITION", f"{record.status}：审核完成后方可申诉")
    if not reason.strip():
        raise EcerError("ASSESS_REASON_REQUIRED", field="reason")
    if item_code is not None:
        load_rubric(rubric_id).item(item_code)
    row = store.AssessmentAppeal(assessment_id=record.id, item_code=item_code, reason=reason, filed_by=actor)
    session.add(row)
    session.flush()
    _audit(session, actor, "appeal", record, appeal_id=row.id, item=item_code, reason=reason)
    return row


def decide(session: Session, *, appeal_id: int, decision: str, reason: str, actor: str,
           points: Decimal | None = None) -> store.AssessmentAppeal:
    """Decide an appeal: ``upheld`` (with the item's new points, if any) or ``rejected``."""
    row = session.get(store.AssessmentAppeal, appeal_id)
    if row is None:
        raise EcerError("NOT_FOUND", f"申诉 {appeal_id}")
    record = session.get(store.Assessment, row.assessment_id)
    assert record is not None
    store.require_editable(record)
    if row.decision is not None or decision not in ("upheld", "rejected"):
        raise EcerError("ASSESS_BAD_TRANSITION", f"{row.decision or '待处理'} → {decision}")
    if not reason.strip():
        raise EcerError("ASSESS_REASON_REQUIRED", field="reason")
    if decision == "upheld" and points is not None:
        if row.item_code is None:
            raise EcerError("ASSESS_UNKNOWN_ITEM", "申诉未指明考核项，不能改分", field="item")
        item = _measure(record.rubric_id, row.item_code)
        _check_points(item, points)
        score = store.score_row(session, record, row.item_code)
        score.review_points, score.review_by = points, actor
        score.review_comment = f"申诉 {row.id} 成立：{reason}"
    row.decision, row.decision_reason, row.new_points = decision, reason, points
    row.decided_by, row.decided_at = actor, dt.datetime.now(dt.UTC)
    _audit(session, actor, "decide", record, appeal_id=row.id, decision=decision, reason=reason, points=points)
    return row


def publish(session: Session, *, year: int, region: str, actor: str, scope: str = "year",
            rubric_id: str = "energy-2021") -> dict[str, Any]:
    """Freeze the reviewed result: later data or score changes no longer alter it."""
    record, r = _record(session, year, region, scope, rubric_id)
    store.require_editable(record)
    if record.status != "reviewed":
        raise EcerError("ASSESS_BAD_TRANSITION", f"{record.status} → published")
    if store.pending_appeals(session, record.id):
        raise EcerError("ASSESS_APPEAL_PENDING", record.region)
    result = evaluate(session, year, scope=scope, rubric_id=rubric_id, region=r.name)[0]
    result["status"] = "published"
    record.snapshot = freeze(result)
    record.status, record.published_by, record.published_at = "published", actor, dt.datetime.now(dt.UTC)
    _audit(session, actor, "publish", record, score=result["score"], rating=result["rating"])
    return result
