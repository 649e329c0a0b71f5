"""Applying a review action to any revision row (it has status, return_reason, reviewed_by, reviewed_at)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.domain.review import next_status

R = TypeVar("R")


def apply_review(row: Any, action: str, actor: str, reason: str | None = None) -> None:
    row.status = next_status(row.status, action, reason)
    row.return_reason = reason if action == "return" else None
    if action in ("approve", "return"):
        row.reviewed_by, row.reviewed_at = actor, dt.datetime.now(dt.UTC)


def review_row(session: Session, model: type[R], row_id: int, label_zh: str, action: str, actor: str,
               reason: str | None = None) -> R:
    """Load row ``row_id`` of ``model`` (NOT_FOUND naming ``label_zh``) and apply the action."""
    row = session.get(model, row_id)
    if row is None:
        raise EcerError("NOT_FOUND", f"{label_zh} {row_id}")
    apply_review(row, action, actor, reason)
    return row
