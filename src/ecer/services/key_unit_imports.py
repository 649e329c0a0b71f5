"""Imports of the key-unit workbooks, all or nothing: check the whole file, then write in one transaction.

Each import adds an ``ImportBatch`` and an ``AuditEntry``; a CLI import of energy reports is
recorded as approved; an identical re-import adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.storage.db import session_scope
from ecer.storage.models import AuditEntry, ImportBatch
from ecer.storage.plans import active_plan


def _run(url: str, path: Path, kind: str, actor: str, channel: str,
         work: Callable[[Session, Any, ImportBatch], tuple[int, int]], status: str | None = None) -> dict[str, Any]:
    with session_scope(url) as session:
        plan = active_plan(session)
        batch = ImportBatch(kind=kind, source_file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                            imported_by=actor, channel=channel, rows_read=0, rows_added=0)
        session.add(batch)
        session.flush()
        batch.rows_read, batch.rows_added = work(session, plan, batch)
        detail = {"batch_id": batch.id, "rows_read": batch.rows_read, "rows_added": batch.rows_added}
        if status:
            detail["status"] = status
        session.add(AuditEntry(actor=actor, action=f"import.{kind}", target=path.name, detail=detail))
        result = {"kind": kind, "file": str(path), "batch_id": batch.id, "rows_read": batch.rows_read,
                  "rows_added": batch.rows_added}
        if status:
            result["status"] = status
        return result


def _years(plan: Any) -> tuple[int, int]:
    return plan.metadata.base_year - 10, plan.metadata.target_year + 10


def import_units(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    from ecer.importers.key_units import read_units
    from ecer.storage.key_unit_registry import save_units

    def work(session: Session, plan: Any, batch: ImportBatch) -> tuple[int, int]:
        rows = read_units(path, plan)
        return sum(1 + len(r.products) for r in rows), save_units(session, rows, actor=actor, batch_id=batch.id)

    return _run(url, path, "units", actor, channel, work)


def import_energy_reports(url: str, path: Path, *, actor: str, channel: str = "cli",
                          status: str = "approved") -> dict[str, Any]:
    """A CLI import is recorded as approved; a web upload enters as submitted."""
    from ecer.importers.key_units import read_energy_reports
    from ecer.storage.energy_reports import add_revisions
    from ecer.storage.key_unit_registry import known_codes

    def work(session: Session, plan: Any, batch: ImportBatch) -> tuple[int, int]:
        known = known_codes(session)
        months = read_energy_reports(path, known, _years(plan))
        read = sum(len(m.lines) for m in months)
        return read, add_revisions(session, months, known, batch=batch, status=status, actor=actor)

    return _run(url, path, "energy-reports", actor, channel, work, status)


def import_two_high(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    from ecer.importers.two_high import read_two_high
    from ecer.storage.key_unit_registry import known_codes
    from ecer.storage.two_high import save_projects

    def work(session: Session, plan: Any, batch: ImportBatch) -> tuple[int, int]:
        known = known_codes(session)
        rows = read_two_high(path, plan, known)
        return len(rows), save_projects(session, rows, known, actor=actor, batch_id=batch.id)

    return _run(url, path, "two-high", actor, channel, work)


def import_budgets(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    from ecer.importers.budgets import read_budgets
    from ecer.storage.budgets import save_budgets
    from ecer.storage.key_unit_registry import known_codes, unit_regions

    def work(session: Session, plan: Any, batch: ImportBatch) -> tuple[int, int]:
        rows = read_budgets(path, plan, unit_regions(session), _years(plan))
        return len(rows), save_budgets(session, rows, known_codes(session), actor=actor, batch_id=batch.id)

    return _run(url, path, "budgets", actor, channel, work)
