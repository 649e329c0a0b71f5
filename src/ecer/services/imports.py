"""Imports, all or nothing: check the whole file first, then write it in one transaction."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ecer.importers.statistics import read_statistics
from ecer.storage import statistics
from ecer.storage.db import session_scope
from ecer.storage.models import AuditEntry, ImportBatch
from ecer.storage.plans import active_plan


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_statistics(
    url: str, path: Path, *, actor: str, channel: str = "cli", status: str = "approved", vintage: str = "快报"
) -> dict[str, Any]:
    """A CLI import is recorded as approved; a web upload enters as submitted."""
    with session_scope(url) as session:
        plan = active_plan(session)
        rows = read_statistics(path, plan, default_vintage=vintage)
        batch = ImportBatch(kind="statistics", source_file=path.name, sha256=_sha256(path), imported_by=actor,
                            channel=channel, rows_read=len(rows), rows_added=0)
        session.add(batch)
        session.flush()
        batch.rows_added = statistics.add_revisions(session, rows, batch=batch, status=status, actor=actor)
        session.add(AuditEntry(actor=actor, action="import.statistics", target=path.name,
                               detail={"batch_id": batch.id, "rows_read": len(rows),
                                       "rows_added": batch.rows_added, "status": status}))
        return {"kind": "statistics", "file": str(path), "batch_id": batch.id, "rows_read": len(rows),
                "rows_added": batch.rows_added, "status": status}
