"""The registry of monitored sources: add, update from an import, list, find; operator marks.

Repository functions take a ``Session`` and never commit (the caller's ``session_scope`` does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.protocol.hj212.codec import DEVIATIONS
from ecer.storage.monitoring import MARK_KINDS, SOURCE_KINDS, MonitoredSource, OperatorMark, SourcePollutant

#: Default expected intervals [s]: real-time every 30 s (C.14's RtdInterval=30), minute data every
#: 10 minutes (C.16), hourly and daily data.
DEFAULT_INTERVALS = {"2011": 30, "2051": 600, "2061": 3600, "2031": 86400}


@dataclass(frozen=True)
class PollutantSpec:
    code: str
    limit_value: Decimal | None = None
    limit_unit: str | None = None
    annual_permit_t: Decimal | None = None
    resolution: Decimal | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A source as given on the command line or in one workbook row."""

    mn: str
    pw: str
    enterprise: str
    outlet: str
    kind: str
    region: str
    st: str | None = None
    pollutants: tuple[PollutantSpec, ...] = ()
    intervals: dict[str, int] = field(default_factory=dict)
    accepted_deviations: tuple[str, ...] = ()
    vendor_extensions: tuple[str, ...] = ()


def check_spec(spec: SourceSpec) -> None:
    """Refuse what the server could never match (raises ``EcerError``)."""
    if spec.kind not in SOURCE_KINDS:
        raise EcerError("MONITOR_SOURCE_KIND", spec.kind, field="kind", value=spec.kind)
    if not spec.mn or len(spec.mn) > 64 or not spec.mn.isascii() or not spec.mn.isalnum():
        raise EcerError("MONITOR_MN_INVALID", spec.mn, field="mn", value=spec.mn)
    unknown = sorted(set(spec.accepted_deviations) - DEVIATIONS)
    if unknown:
        raise EcerError("MONITOR_DEVIATION_UNKNOWN", "、".join(unknown), field="accepted_deviations")


def add_source(session: Session, spec: SourceSpec, actor: str, *, batch_id: int | None = None,
               replace: bool = False) -> tuple[MonitoredSource, bool]:
    """Add a source (or, with ``replace``, update it); returns it and whether anything changed."""
    check_spec(spec)
    existing = find_source(session, spec.mn)
    if existing is not None and not replace:
        raise EcerError("MONITOR_SOURCE_EXISTS", spec.mn)
    if existing is not None and describe(existing) == _spec_dict(spec):
        return existing, False
    source = existing or MonitoredSource(mn=spec.mn, created_by=actor)
    source.pw, source.enterprise, source.outlet = spec.pw, spec.enterprise, spec.outlet
    source.kind, source.region, source.st = spec.kind, spec.region, spec.st
    source.intervals = {**DEFAULT_INTERVALS, **spec.intervals}
    source.accepted_deviations = sorted(spec.accepted_deviations)
    source.vendor_extensions = sorted(spec.vendor_extensions)
    source.active = True
    source.batch_id = batch_id
    session.add(source)
    session.flush()
    if existing is not None:
        for old in pollutants_of(session, source.id):
            session.delete(old)
        session.flush()
    for p in spec.pollutants:
        session.add(SourcePollutant(source_id=source.id, code=p.code, limit_value=p.limit_value,
                                    limit_unit=p.limit_unit, annual_permit_t=p.annual_permit_t,
                                    resolution=p.resolution))
    session.flush()
    return source, True


def _spec_dict(spec: SourceSpec) -> dict[str, object]:
    return {
        "mn": spec.mn, "pw": spec.pw, "enterprise": spec.enterprise, "outlet": spec.outlet, "kind": spec.kind,
        "region": spec.region, "st": spec.st, "intervals": {**DEFAULT_INTERVALS, **spec.intervals},
        "accepted_deviations": sorted(spec.accepted_deviations), "vendor_extensions": sorted(spec.vendor_extensions),
        "pollutants": sorted((p.code, p.limit_value, p.limit_unit, p.annual_permit_t, p.resolution)
                             for p in spec.pollutants),
    }


def describe(source: MonitoredSource, pollutants: list[SourcePollutant] | None = None) -> dict[str, object]:
    session = Session.object_session(source)
    if pollutants is None:
        pollutants = pollutants_of(session, source.id) if session is not None else []
    return {
        "mn": source.mn, "pw": source.pw, "enterprise": source.enterprise, "outlet": source.outlet,
        "kind": source.kind, "region": source.region, "st": source.st, "intervals": dict(source.intervals or {}),
        "accepted_deviations": list(source.accepted_deviations or []),
        "vendor_extensions": list(source.vendor_extensions or []),
        "pollutants": sorted((p.code, p.limit_value, p.limit_unit, p.annual_permit_t, p.resolution)
                             for p in pollutants),
    }


def find_source(session: Session, mn: str) -> MonitoredSource | None:
    return session.scalars(select(MonitoredSource).where(MonitoredSource.mn == mn)).first()


def require_source(session: Session, mn: str) -> MonitoredSource:
    source = find_source(session, mn)
    if source is None:
        raise EcerError("MONITOR_SOURCE_UNKNOWN", mn, field="--mn", value=mn)
    return source


def list_sources(session: Session, region: str | None = None) -> list[MonitoredSource]:
    query = select(MonitoredSource).order_by(MonitoredSource.region, MonitoredSource.enterprise, MonitoredSource.mn)
    if region is not None:
        query = query.where(MonitoredSource.region == region)
    return list(session.scalars(query))


def pollutants_of(session: Session | None, source_id: int) -> list[SourcePollutant]:
    if session is None:
        return []
    return list(session.scalars(select(SourcePollutant).where(SourcePollutant.source_id == source_id)
                                .order_by(SourcePollutant.code)))


def add_mark(session: Session, mn: str, kind: str, start: dt.datetime, end: dt.datetime, reason: str | None,
             actor: str) -> OperatorMark:
    """停产 or 检修 from ``start`` to ``end``: excluded from alarms and valid-data counts."""
    if kind not in MARK_KINDS:
        raise EcerError("MONITOR_MARK_KIND", kind, field="--kind", value=kind)
    if end <= start:
        raise EcerError("MONITOR_TIME_INVALID", "结束时间须晚于开始时间", field="--to")
    source = require_source(session, mn)
    # stored in UTC like every monitoring time (SQLite keeps the wall-clock value only)
    mark = OperatorMark(source_id=source.id, kind=kind, start=start.astimezone(dt.UTC), end=end.astimezone(dt.UTC),
                        reason=reason, created_by=actor)
    session.add(mark)
    session.flush()
    return mark


def marks_of(session: Session, source_id: int | None = None) -> list[OperatorMark]:
    query = select(OperatorMark).order_by(OperatorMark.start)
    if source_id is not None:
        query = query.where(OperatorMark.source_id == source_id)
    return list(session.scalars(query))
