"""Loaded plans: the active plan is the one computations and imports use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.storage.models import PlanRecord, utcnow


def save_plan(session: Session, plan: Any, yaml_text: str, source_file: str, actor: str,
              *, replace: bool = False) -> PlanRecord:
    """Store a validated plan and make it the active one; an existing id is kept unless ``replace``."""
    existing = session.get(PlanRecord, plan.id)
    if existing is not None and not replace:
        raise EcerError("PLAN_ALREADY_LOADED", plan.id)
    session.execute(update(PlanRecord).values(is_active=False))
    record = existing or PlanRecord(id=plan.id)
    record.title = plan.metadata.title
    record.status = plan.metadata.status
    record.base_year = plan.metadata.base_year
    record.target_year = plan.metadata.target_year
    record.source_file = source_file
    record.yaml_text = yaml_text
    record.is_active = True
    record.loaded_by = actor
    record.loaded_at = utcnow()  # a reload changes the data version (services.derived_cache)
    session.add(record)
    session.flush()
    return record


def active_record(session: Session) -> PlanRecord | None:
    return session.scalars(select(PlanRecord).where(PlanRecord.is_active.is_(True))).first()


def active_plan(session: Session) -> Any:
    """The active plan, validated by the same loader as a file (so a stored plan is never stale)."""
    record = active_record(session)
    if record is None:
        raise EcerError("PLAN_NOT_LOADED", "请运行 ecer init 或 ecer plan load")
    return _parsed(record.yaml_text, record.source_file)


@lru_cache(maxsize=8)
def _parsed(yaml_text: str, source_file: str) -> Any:
    """Parsing and validating a plan costs ~0.1 s: do it once per distinct text (callers never mutate it)."""
    from ecer.domain.plan.loader import load_plan_text

    return load_plan_text(yaml_text, source_file)
