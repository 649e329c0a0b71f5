"""``ecer import stations|air-quality|water-quality``: check the whole file, then write it in one transaction.

Each accepted file adds an ``ImportBatch`` and an ``AuditEntry``; an identical re-import adds nothing.
After readings are written, the alarms for their dates are recorded (``environment_alarms.scan``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ecer.importers.environment import read_air_quality, read_stations, read_water_quality
from ecer.services import environment_alarms
from ecer.storage import environment_data as data
from ecer.storage.db import session_scope
from ecer.storage.models import AuditEntry, ImportBatch
from ecer.storage.plans import active_plan


def _batch(session: Session, kind: str, path: Path, actor: str, channel: str, rows_read: int) -> ImportBatch:
    batch = ImportBatch(kind=kind, source_file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                        imported_by=actor, channel=channel, rows_read=rows_read, rows_added=0)
    session.add(batch)
    session.flush()
    return batch


def _finish(session: Session, kind: str, path: Path, actor: str, batch: ImportBatch, added: int, updated: int,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    batch.rows_added = added
    result = {"kind": kind, "file": str(path), "batch_id": batch.id, "rows_read": batch.rows_read,
              "rows_added": added, "rows_updated": updated, **(extra or {})}
    session.add(AuditEntry(actor=actor, action=f"import.{kind}", target=path.name,
                           detail={k: v for k, v in result.items() if k != "file"}))
    return result


def import_stations(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    """The registry of air-quality stations and surface-water sections."""
    with session_scope(url) as session:
        rows = read_stations(path, active_plan(session))
        batch = _batch(session, "stations", path, actor, channel, len(rows))
        added, updated = data.upsert_stations(session, rows, batch)
        return _finish(session, "stations", path, actor, batch, added, updated)


def _import_readings(url: str, path: Path, kind: str, actor: str, channel: str,
                     read: Callable[[Path, dict[str, str]], list[Any]],
                     write: Callable[..., tuple[int, int]], date_of: Callable[[Any], dt.date]) -> dict[str, Any]:
    with session_scope(url) as session:
        rows = read(path, data.station_media(session))
        batch = _batch(session, kind, path, actor, channel, len(rows))
        added, updated = write(session, rows, batch_id=batch.id, source="import")
        alarms = 0
        if added or updated:
            alarms = environment_alarms.scan(session, min(map(date_of, rows)), max(map(date_of, rows)))
        return _finish(session, kind, path, actor, batch, added, updated, {"alarms_added": alarms})


def import_air_quality(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    """Hourly or daily air concentrations of registered stations."""
    return _import_readings(url, path, "air-quality", actor, channel, read_air_quality, data.add_air_rows,
                            lambda r: r.date)


def import_water_quality(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    """Samples at registered sections (manual sampling)."""
    return _import_readings(url, path, "water-quality", actor, channel, read_water_quality, data.add_water_rows,
                            lambda r: r.sampled_at.date())
