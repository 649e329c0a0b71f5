"""Readings uploads onto the durable log (issue 9: the energy-meter API with a log configured).

With ``ECER_LOG_URL`` set, ``POST /api/v1/energy/data`` checks the batch exactly as the database
path does (``meter_data.check_readings``), then publishes one message per reading
(``ecer.scale.meters``) and answers only after JetStream stored every one: an accepted upload is
durable. The lake writer (``ecer lake write``) turns them into Parquet; ``ecer lake aggregate``
adds them up.

What the answer can say differs from the database path: a reading the log has already seen (same
unit, meter, period and time) within its deduplication window counts as a duplicate, whatever its
value; a different value sent later is not refused here but dropped by the lake, which keeps the
first copy, as the database keeps the first stored value. Repeats and conflicts inside one batch
are reported as the database path reports them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ecer import config
from ecer.scale.meters import MeterMessage
from ecer.services.meter_data import check_readings
from ecer.storage.key_units import KeyUnit

if TYPE_CHECKING:
    from ecer.scale.log.blocking import BlockingLog

_lock = threading.Lock()
_journals: dict[str, BlockingLog] = {}


def journal(url: str | None = None) -> BlockingLog | None:
    """This process's connection to the log at ``url`` (default ``ECER_LOG_URL``); None without a log."""
    url = url or config.log_url()
    if not url:
        return None
    with _lock:
        if url not in _journals:
            from ecer.scale.log.blocking import BlockingLog

            _journals[url] = BlockingLog.connect(url)
        return _journals[url]


def publish_readings(log: BlockingLog, session: Session, unit: KeyUnit, items: Sequence[dict[str, Any]]
                     ) -> dict[str, Any]:
    """Check the batch, store each new reading on the log, and count what the log had already."""
    meters, incoming = check_readings(session, unit, items)
    batch: dict[tuple[str, str, dt.datetime], Decimal] = {}
    messages: list[MeterMessage] = []
    duplicates, conflicts = 0, []
    for r in incoming:
        key = (r.meter, r.period, r.at)
        if key in batch:
            if batch[key] != r.value:
                conflicts.append({"meter": r.meter, "at": r.at, "value": r.value, "stored_value": batch[key],
                                  "code": "READING_CONFLICT"})
            else:
                duplicates += 1
            continue
        batch[key] = r.value
        meter = meters[r.meter]
        messages.append(MeterMessage(unit.credit_code, unit.region, r.meter, meter.carrier, meter.unit, r.period,
                                     r.at, r.value))
    receipts = log.store([(m.subject, m.encode(), m.msg_id) for m in messages]) if messages else []
    seen = sum(1 for receipt in receipts if receipt.duplicate)
    return {"received": len(incoming), "stored": len(receipts) - seen, "duplicates": duplicates + seen,
            "conflicts": conflicts}


def close(url: str) -> None:
    """Close this process's connection to ``url`` (tests; a server shutting down)."""
    with _lock:
        found = _journals.pop(url, None)
    if found is not None:
        found.close()
