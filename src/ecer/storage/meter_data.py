"""Meters, readings and API tokens (gateways and other machine clients).

Readings are ingested idempotently per (unit, meter, period, timestamp).

A reading whose key is already stored with the same value is skipped; with a different value it is
refused as a conflict and the stored value kept (a correction goes through the monthly report).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from ecer.domain.energy.meters import Reading
from ecer.domain.errors import EcerError
from ecer.storage.key_units import ApiToken, Meter, MeterReading
from ecer.storage.models import utcnow

TOKEN_PREFIX = "ecer_"


@dataclass(frozen=True)
class IncomingReading:
    meter: str
    at: dt.datetime
    period: str
    value: Decimal  # already in the meter's unit


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    conflicts: list[dict[str, object]] = field(default_factory=list)


def upsert_meter(session: Session, unit_id: int, code: str, name: str, carrier: str, unit: str) -> tuple[Meter, bool]:
    """Add the meter or update its description; returns (meter, changed)."""
    meter = session.scalars(select(Meter).where(Meter.unit_id == unit_id, Meter.code == code)).first()
    if meter is None:
        meter = Meter(unit_id=unit_id, code=code, name=name, carrier=carrier, unit=unit)
        session.add(meter)
        session.flush()
        return meter, True
    changed = (meter.name, meter.carrier, meter.unit) != (name, carrier, unit)
    meter.name, meter.carrier, meter.unit = name, carrier, unit
    return meter, changed


def meters_of(session: Session, unit_id: int) -> dict[str, Meter]:
    return {m.code: m for m in session.scalars(select(Meter).where(Meter.unit_id == unit_id))}


def ingest(session: Session, unit_id: int, readings: Iterable[IncomingReading], meters: dict[str, Meter],
           token_id: int | None = None) -> IngestResult:
    """Store new readings in one statement; skip repeats; list conflicts."""
    result = IngestResult()
    batch: dict[tuple[int, str, dt.datetime], IncomingReading] = {}
    for r in readings:
        result.received += 1
        key = (meters[r.meter].id, r.period, r.at)
        if key in batch:
            if batch[key].value != r.value:
                result.conflicts.append({"meter": r.meter, "at": r.at, "value": r.value,
                                         "stored_value": batch[key].value})
            else:
                result.duplicates += 1
            continue
        batch[key] = r
    if not batch:
        return result
    meter_ids = sorted({k[0] for k in batch})
    times = [k[2] for k in batch]
    existing = {
        (row.meter_id, row.period, row.at): row.value
        for row in session.execute(
            select(MeterReading.meter_id, MeterReading.period, MeterReading.at, MeterReading.value).where(
                MeterReading.unit_id == unit_id, MeterReading.meter_id.in_(meter_ids),
                MeterReading.at.between(min(times), max(times))))
    }
    now = utcnow()
    rows = []
    for key, r in batch.items():
        if key in existing:
            if existing[key] != r.value:
                result.conflicts.append({"meter": r.meter, "at": r.at, "value": r.value,
                                         "stored_value": existing[key]})
            else:
                result.duplicates += 1
            continue
        rows.append({"unit_id": unit_id, "meter_id": key[0], "at": r.at, "period": r.period, "value": r.value,
                     "received_at": now, "token_id": token_id})
    if rows:
        session.execute(insert(MeterReading), rows)
    result.stored = len(rows)
    return result


def readings_of(session: Session, unit_id: int, start: dt.datetime, end: dt.datetime) -> list[tuple[Meter, Reading]]:
    """Readings of a unit stamped in [start − 1 day, end + 1 day) with their meters (for the checks)."""
    query = (select(MeterReading, Meter).join(Meter, Meter.id == MeterReading.meter_id)
             .where(MeterReading.unit_id == unit_id,
                    MeterReading.at >= start - dt.timedelta(days=1), MeterReading.at < end + dt.timedelta(days=1))
             .order_by(MeterReading.at))
    return [(m, Reading(m.code, r.at, r.period, r.value)) for r, m in session.execute(query)]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


LAST_USED_STEP = dt.timedelta(minutes=1)  # last_used_at is written at most this often: one write, not one per request


def create_token(session: Session, unit_id: int | None, label: str, actor: str, *, scope: str = "unit",
                 region: str | None = None, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new random token; only its hash is stored, so the clear text is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(token_hash=hash_token(token), scope=scope, unit_id=unit_id, region=region, label=label,
                      created_by=actor, expires_at=expires_at)
    session.add(record)
    session.flush()
    return record, token


def revoke_token(session: Session, token_id: int, actor: str | None = None) -> ApiToken:
    record = session.get(ApiToken, token_id)
    if record is None:
        raise EcerError("NOT_FOUND", f"接入令牌 {token_id}")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        record.revoked_by = actor
    return record


def resolve_token(session: Session, token: str) -> ApiToken | None:
    """The live token with this clear text, or None (unknown, revoked or expired); notes its use."""
    now = utcnow()
    record = session.scalars(select(ApiToken).where(
        ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))).first()
    if record is not None and (record.last_used_at is None
                               or aware_utc(record.last_used_at) < now - LAST_USED_STEP):
        record.last_used_at = now
    return record


def aware_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive UTC timestamps, PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
