"""Repository functions for stations, air readings, water samples and environmental alarms.

They take a ``Session`` and never commit. Writes are idempotent: a row identical to the stored one
adds nothing; a changed one replaces the stored values and is counted as updated (the import's
audit entry records the count), so a corrected workbook can be re-imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ecer.storage.environment import AirReading, EnvAlarm, EnvStation, WaterSample, WaterValue
from ecer.storage.models import ImportBatch

AIR_ATTRS: dict[str, str] = {"SO2": "so2", "NO2": "no2", "PM10": "pm10", "CO": "co", "O3_1h": "o3_1h",
                             "O3_8h": "o3_8h", "PM2_5": "pm2_5"}
"""``ecer air aqi`` column → ``AirReading`` attribute."""
STATION_FIELDS = ("name", "medium", "region", "water_kind", "water_body", "target_class", "mn", "longitude",
                  "latitude")


def _digest(payload: Mapping[str, Any]) -> str:
    def text(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, Mapping):
            return {k: text(v) for k, v in value.items()}
        return value

    return hashlib.sha256(json.dumps(text(payload), sort_keys=True, default=str).encode()).hexdigest()


def stations(session: Session, medium: str | None = None) -> list[EnvStation]:
    query = select(EnvStation).order_by(EnvStation.medium, EnvStation.region, EnvStation.code)
    if medium is not None:
        query = query.where(EnvStation.medium == medium)
    return list(session.scalars(query))


def station_media(session: Session) -> dict[str, str]:
    """Registered code → medium (``air`` or ``water``)."""
    return {s.code: s.medium for s in stations(session)}


def station_by_mn(session: Session, mn: str) -> EnvStation | None:
    return session.scalars(select(EnvStation).where(EnvStation.mn == mn)).first()


def upsert_stations(session: Session, rows: Iterable[Any], batch: ImportBatch) -> tuple[int, int]:
    """Add new stations and update changed ones by code; returns (added, updated)."""
    existing = {s.code: s for s in stations(session)}
    added = updated = 0
    for row in rows:
        current = existing.get(row.code)
        values = {name: getattr(row, name) for name in STATION_FIELDS}
        if current is None:
            session.add(EnvStation(code=row.code, batch_id=batch.id, **values))
            added += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.batch_id = batch.id
            updated += 1
    session.flush()
    return added, updated


def add_air_rows(session: Session, rows: Sequence[Any], *, batch_id: int | None, source: str,
                 flags_of: Any = None) -> tuple[int, int]:
    """Store hourly or daily rows (``AirRow``-like: station, date, hour, values, flag); (added, updated).

    ``flags_of(row)`` may give per-pollutant flags (HJ 212); otherwise a row flag other than N
    marks every measured value of the row.
    """
    if not rows:
        return 0, 0
    ids = {s.code: s.id for s in stations(session, "air")}
    first, last = min(r.date for r in rows), max(r.date for r in rows)
    stored = {
        (r.station_id, r.resolution, r.date, r.hour): r
        for r in session.scalars(select(AirReading).where(
            AirReading.station_id.in_({ids[r.station] for r in rows}),
            AirReading.date >= first, AirReading.date <= last,
            AirReading.hour.in_({r.hour or 0 for r in rows})))  # an hourly upload reads its hour, not the day
    }
    added = updated = 0
    for row in rows:
        if flags_of is not None:
            flags = flags_of(row)
        else:
            flags = {k: row.flag for k, v in row.values.items() if v is not None and row.flag != "N"}
        resolution = "day" if row.hour is None else "hour"
        key = (ids[row.station], resolution, row.date, row.hour or 0)
        digest = _digest({"values": row.values, "flags": flags})
        current = stored.get(key)
        if current is not None and current.content_hash == digest:
            continue
        if current is None:
            current = AirReading(station_id=key[0], resolution=resolution, date=row.date, hour=key[3])
            session.add(current)
            stored[key] = current
            added += 1
        else:
            updated += 1
        for name, attr in AIR_ATTRS.items():
            setattr(current, attr, row.values.get(name))
        current.flags = flags or None
        current.source, current.batch_id, current.content_hash = source, batch_id, digest
    session.flush()
    return added, updated


def add_water_rows(session: Session, rows: Sequence[Any], *, batch_id: int | None, source: str,
                   flags_of: Any = None) -> tuple[int, int]:
    """Store samples (``WaterRow``-like: section, sampled_at, values, flag); (added, updated)."""
    if not rows:
        return 0, 0
    ids = {s.code: s.id for s in stations(session, "water")}
    stored = {
        (s.station_id, s.sampled_at): s
        for s in session.scalars(select(WaterSample).where(
            WaterSample.station_id.in_({ids[r.section] for r in rows})))
    }
    added = updated = 0
    for row in rows:
        flags = flags_of(row) if flags_of is not None else {k: row.flag for k in row.values}
        key = (ids[row.section], row.sampled_at)
        digest = _digest({"values": row.values, "flags": flags})
        current = stored.get(key)
        if current is not None and current.content_hash == digest:
            continue
        if current is None:
            current = WaterSample(station_id=key[0], sampled_at=row.sampled_at)
            session.add(current)
            stored[key] = current
            added += 1
        else:
            session.execute(delete(WaterValue).where(WaterValue.sample_id == current.id))
            updated += 1
        current.source, current.batch_id, current.content_hash = source, batch_id, digest
        session.flush()
        for code, value in row.values.items():
            session.add(WaterValue(sample_id=current.id, parameter=code, value=value, flag=flags.get(code, "N")))
    session.flush()
    return added, updated


def air_readings(session: Session, station_ids: Iterable[int], first: dt.date, last: dt.date) -> list[AirReading]:
    return list(session.scalars(
        select(AirReading)
        .where(AirReading.station_id.in_(list(station_ids)), AirReading.date >= first, AirReading.date <= last)
        .order_by(AirReading.station_id, AirReading.date, AirReading.resolution, AirReading.hour)))


def valid_air_values(reading: AirReading) -> dict[str, Decimal | None]:
    """The reading's values by ``ecer air aqi`` column, a flagged value as ``None``."""
    flags = reading.flags or {}
    return {name: (None if flags.get(name, "N") != "N" else getattr(reading, attr)) for name, attr in AIR_ATTRS.items()}


def water_samples(session: Session, station_ids: Iterable[int], first: dt.datetime,
                  last: dt.datetime) -> list[tuple[int, dt.datetime, dict[str, Decimal]]]:
    """(station id, time, valid values) of every sample in [first, last), oldest first."""
    samples = list(session.scalars(
        select(WaterSample)
        .where(WaterSample.station_id.in_(list(station_ids)), WaterSample.sampled_at >= first,
               WaterSample.sampled_at < last)
        .order_by(WaterSample.station_id, WaterSample.sampled_at)))
    values: dict[int, dict[str, Decimal]] = {s.id: {} for s in samples}
    if samples:
        for v in session.scalars(select(WaterValue).where(WaterValue.sample_id.in_(list(values)))):
            if v.flag == "N":
                values[v.sample_id][v.parameter] = v.value
    return [(s.station_id, s.sampled_at, values[s.id]) for s in samples]


def report_dates(session: Session, station: EnvStation, first: dt.date, last: dt.date) -> set[dt.date]:
    """Dates in [first, last] on which the station reported anything (flagged values included)."""
    if station.medium == "air":
        return set(session.scalars(select(AirReading.date).distinct().where(
            AirReading.station_id == station.id, AirReading.date >= first, AirReading.date <= last)))
    start, end = dt.datetime.combine(first, dt.time()), dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    return {when.date() for when in session.scalars(select(WaterSample.sampled_at).where(
        WaterSample.station_id == station.id, WaterSample.sampled_at >= start, WaterSample.sampled_at < end))}


def last_report_dates(session: Session) -> dict[int, dt.date]:
    """Station id → the date of its latest air reading or water sample."""
    from sqlalchemy import func

    result: dict[int, dt.date] = {}
    for station_id, day in session.execute(select(AirReading.station_id, func.max(AirReading.date))
                                           .group_by(AirReading.station_id)):
        result[station_id] = day
    for station_id, when in session.execute(select(WaterSample.station_id, func.max(WaterSample.sampled_at))
                                            .group_by(WaterSample.station_id)):
        result[station_id] = when.date() if isinstance(when, dt.datetime) else when
    return result


def add_alarm(session: Session, *, kind: str, station_id: int, date: dt.date, value: str, message: str,
              detail: dict[str, Any] | None = None) -> bool:
    """Record an alarm once per (kind, station, date); returns whether it is new."""
    exists = session.scalars(select(EnvAlarm.id).where(
        EnvAlarm.kind == kind, EnvAlarm.station_id == station_id, EnvAlarm.date == date)).first()
    if exists is not None:
        return False
    session.add(EnvAlarm(kind=kind, station_id=station_id, date=date, value=value, message=message, detail=detail))
    return True


def alarms(session: Session, *, medium: str | None = None, first: dt.date | None = None,
           last: dt.date | None = None) -> list[tuple[EnvAlarm, EnvStation]]:
    query = select(EnvAlarm, EnvStation).join(EnvStation, EnvAlarm.station_id == EnvStation.id)
    if medium is not None:
        query = query.where(EnvStation.medium == medium)
    if first is not None:
        query = query.where(EnvAlarm.date >= first)
    if last is not None:
        query = query.where(EnvAlarm.date <= last)
    return [(a, s) for a, s in session.execute(query.order_by(EnvAlarm.date, EnvAlarm.kind, EnvStation.code))]
