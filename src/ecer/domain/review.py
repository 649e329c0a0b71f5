"""The review flow every submitted figure goes through (statistics, energy reports, emission projects).

draft → submitted → approved | returned; a returned revision is corrected and submitted again.
A return needs a reason, so the submitter knows what to fix. Computations read only approved revisions.
"""

from __future__ import annotations

from ecer.domain.errors import EcerError

TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
}
ACTIONS = ("submit", "approve", "return")


def next_status(status: str, action: str, reason: str | None = None) -> str:
    """The status after ``action``; REVIEW_BAD_TRANSITION or REVIEW_REASON_REQUIRED otherwise."""
    new_status = TRANSITIONS.get((status, action))
    if new_status is None:
        raise EcerError("REVIEW_BAD_TRANSITION", f"{status} → {action}")
    if action == "return" and not (reason or "").strip():
        raise EcerError("REVIEW_REASON_REQUIRED")
    return new_status
