"""Online monitoring glue: source imports, reading queries, alarm evaluation, emission amounts.

Reads from ``ecer.storage`` and calls the pure rules in ``ecer.domain.warning.monitoring`` and
``ecer.domain.pollutants.emission_amounts``; used by the CLI (and the web later).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.domain.pollutants import emission_amounts as ea
from ecer.domain.warning import monitoring as rules
from ecer.protocol.hj212.cp import CST
from ecer.storage.db import session_scope
from ecer.storage.ingest import as_utc
from ecer.storage.models import AuditEntry, ImportBatch
from ecer.storage.monitoring import Alarm, MonitoredSource, QuarantinedPacket, Reading
from ecer.storage.sources import SourceSpec, add_source, list_sources, marks_of, pollutants_of, require_source


def import_sources(url: str, path: Path, *, actor: str, channel: str = "cli") -> dict[str, Any]:
    """All or nothing; an unchanged source adds nothing, a changed one is updated."""
    from ecer.importers.sources import read_sources
    from ecer.storage.plans import active_plan

    with session_scope(url) as session:
        specs = read_sources(path, active_plan(session))
        batch = ImportBatch(kind="sources", source_file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                            imported_by=actor, channel=channel, rows_read=len(specs), rows_added=0)
        session.add(batch)
        session.flush()
        changed = sum(add_source(session, spec, actor, batch_id=batch.id, replace=True)[1] for spec in specs)
        batch.rows_added = changed
        session.add(AuditEntry(actor=actor, action="import.sources", target=path.name,
                               detail={"batch_id": batch.id, "rows_read": len(specs), "rows_added": changed}))
        return {"kind": "sources", "file": str(path), "batch_id": batch.id, "rows_read": len(specs),
                "rows_added": changed, "status": "approved"}


def register_source(url: str, spec: SourceSpec, actor: str) -> dict[str, Any]:
    with session_scope(url) as session:
        from ecer.storage.plans import active_plan

        spec = SourceSpec(**{**spec.__dict__, "region": active_plan(session).region(spec.region).name})
        source, _ = add_source(session, spec, actor)
        session.add(AuditEntry(actor=actor, action="monitor.source.add", target=spec.mn, detail={"kind": spec.kind}))
        return source_row(session, source)


def source_row(session: Session, source: MonitoredSource) -> dict[str, Any]:
    return {
        "mn": source.mn, "enterprise": source.enterprise, "outlet": source.outlet, "kind": source.kind,
        "region": source.region, "st": source.st, "intervals": dict(source.intervals or {}),
        "accepted_deviations": list(source.accepted_deviations or []),
        "vendor_extensions": list(source.vendor_extensions or []),
        "pollutants": [{"code": p.code, "limit_value": p.limit_value, "limit_unit": p.limit_unit,
                        "annual_permit_t": p.annual_permit_t, "resolution": p.resolution}
                       for p in pollutants_of(session, source.id)],
    }


def sources(url: str, region: str | None = None) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        return [source_row(session, s) for s in list_sources(session, region)]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Query bounds in UTC: SQLite compares the stored UTC text, so an aware +08:00 bound would be off."""
    return None if value is None else value.astimezone(dt.UTC)


def beijing(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_utc(value).astimezone(CST)


def readings(url: str, mn: str, cn: str | None = None, start: dt.datetime | None = None,
             end: dt.datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Readings of one source, oldest first; times in Beijing time."""
    start, end = _utc(start), _utc(end)
    with session_scope(url) as session:
        query = select(Reading).where(Reading.mn == mn)
        if cn is not None:
            query = query.where(Reading.cn == cn)
        if start is not None:
            query = query.where(Reading.data_time >= start)
        if end is not None:
            query = query.where(Reading.data_time < end)
        query = query.order_by(Reading.data_time, Reading.cn, Reading.code)
        if limit is not None:
            query = query.limit(limit)
        return [{"mn": r.mn, "cn": r.cn, "data_time": beijing(r.data_time), "code": r.code, "rtd": r.rtd,
                 "min": r.min, "avg": r.avg, "max": r.max, "cou": r.cou, "zs_rtd": r.zs_rtd, "zs_avg": r.zs_avg,
                 "flag": r.flag, "extra": r.extra, "qn": r.qn} for r in session.scalars(query)]


def quarantine(url: str, limit: int = 100) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        rows = session.scalars(select(QuarantinedPacket).order_by(QuarantinedPacket.id.desc()).limit(limit))
        return [{"id": q.id, "received_at": beijing(q.received_at), "peer": q.peer, "mn": q.mn, "cn": q.cn,
                 "reason": q.reason, "detail": q.detail, "raw": q.raw.decode("utf-8", "backslashreplace")}
                for q in rows]


def _samples(session: Session, mn: str, code: str, cn: str, start: dt.datetime) -> list[rules.Sample]:
    query = (select(Reading).where(Reading.mn == mn, Reading.cn == cn, Reading.code == code,
                                   Reading.data_time >= start).order_by(Reading.data_time))
    out = []
    for r in session.scalars(query):
        value = r.avg if r.avg is not None else r.rtd
        zs = r.zs_avg if r.zs_avg is not None else r.zs_rtd
        out.append(rules.Sample(as_utc(r.data_time), value, zs, r.flag))
    return out


def _flows(session: Session, mn: str, flow_code: str, cn: str, start: dt.datetime) -> dict[dt.datetime, float]:
    query = select(Reading).where(Reading.mn == mn, Reading.cn == cn, Reading.code == flow_code,
                                  Reading.data_time >= start)
    return {as_utc(r.data_time): (r.avg if r.avg is not None else r.rtd) for r in session.scalars(query)
            if (r.avg if r.avg is not None else r.rtd) is not None}


def evaluate_alarms(url: str, now: dt.datetime | None = None, *, days: int = 7, cn: str = "2061",
                    missing_multiple: float = rules.DEFAULT_MISSING_MULTIPLE) -> list[dict[str, Any]]:
    """Run every rule over the last ``days`` of ``cn`` data; new episodes are added, open ones updated."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    start = now - dt.timedelta(days=days)
    added: list[dict[str, Any]] = []
    with session_scope(url) as session:
        for source in list_sources(session):
            marks = [(as_utc(m.start), as_utc(m.end)) for m in marks_of(session, source.id)]
            findings: list[rules.Finding] = []
            interval = dt.timedelta(seconds=int((source.intervals or {}).get(cn, 3600)))
            times = [as_utc(t) for t in session.scalars(select(Reading.data_time).distinct().where(
                Reading.mn == source.mn, Reading.cn == cn, Reading.data_time >= start))]
            if times:
                findings += rules.missing_data(times, interval, now, multiple=missing_multiple, marks=marks)
            flow_code = ea.FLOW_CODES.get(source.kind)
            flows = _flows(session, source.mn, flow_code, cn, start) if flow_code else {}
            for p in pollutants_of(session, source.id):
                samples = rules.excluding_marks(_samples(session, source.mn, p.code, cn, start), marks)
                if flows:
                    samples = [rules.Sample(s.time, s.value, s.zs_value, s.flag, flows.get(s.time)) for s in samples]
                if p.limit_value is not None:
                    findings += rules.over_limit(samples, p.code, float(p.limit_value),
                                                 use_zs=source.kind == "flue_gas")
                findings += rules.suspicious_constant(samples, p.code)
                findings += rules.suspicious_flag_t(samples, p.code)
                findings += rules.suspicious_zero_flow(samples, p.code)
                if p.resolution:
                    findings += rules.suspicious_flat(samples, p.code, float(p.resolution))
            year_start = dt.datetime(now.astimezone(CST).year, 1, 1, tzinfo=CST)
            for total in _source_year_amounts(session, source, year_start, now):
                permit = next((p.annual_permit_t for p in pollutants_of(session, source.id) if p.code == total[0]),
                              None)
                if permit:
                    findings += rules.permit_approaching(total[0], total[1], float(permit), year_start)
            for f in findings:
                row = _store_finding(session, source.mn, f)
                if row is not None:
                    added.append(row)
    return added


def _store_finding(session: Session, mn: str, f: rules.Finding) -> dict[str, Any] | None:
    existing = session.scalars(select(Alarm).where(Alarm.mn == mn, Alarm.kind == f.kind, Alarm.code == f.code,
                                                   Alarm.start == f.start)).first()
    if existing is not None:
        if existing.end is None and f.end is not None:
            existing.end = f.end
        existing.value, existing.level, existing.detail = f.value, f.level, f.detail
        return None
    alarm = Alarm(mn=mn, kind=f.kind, code=f.code, level=f.level, start=f.start, end=f.end, value=f.value,
                  threshold=f.threshold, detail=f.detail, status="open")
    session.add(alarm)
    session.flush()
    return alarm_row(alarm)


def alarm_row(a: Alarm) -> dict[str, Any]:
    return {"id": a.id, "mn": a.mn, "kind": a.kind, "code": a.code or None, "level": a.level,
            "start": beijing(a.start), "end": beijing(a.end), "value": a.value, "threshold": a.threshold,
            "detail": a.detail, "status": a.status, "reason": a.reason, "handled_by": a.handled_by}


def alarms(url: str, status: str | None = None) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        query = select(Alarm).order_by(Alarm.start, Alarm.id)
        if status is not None:
            query = query.where(Alarm.status == status)
        return [alarm_row(a) for a in session.scalars(query)]


ALARM_TRANSITIONS = {("open", "acknowledge"): "acknowledged", ("open", "close"): "closed",
                     ("acknowledged", "close"): "closed"}


def handle_alarm(url: str, alarm_id: int, action: str, reason: str | None, actor: str) -> dict[str, Any]:
    """确认 (acknowledge) or 关闭 (close) an alarm; both need a reason and are audited."""
    if not (reason or "").strip():
        raise EcerError("MONITOR_REASON_REQUIRED", field="--reason")
    with session_scope(url) as session:
        alarm = session.get(Alarm, alarm_id)
        if alarm is None:
            raise EcerError("NOT_FOUND", f"报警 {alarm_id}")
        status = ALARM_TRANSITIONS.get((alarm.status, action))
        if status is None:
            raise EcerError("MONITOR_ALARM_TRANSITION", f"{alarm.status} → {action}")
        alarm.status, alarm.reason, alarm.handled_by = status, reason, actor
        alarm.handled_at = dt.datetime.now(dt.UTC)
        session.add(AuditEntry(actor=actor, action=f"monitor.alarm.{action}", target=str(alarm_id),
                               detail={"status": status, "reason": reason}))
        return alarm_row(alarm)


def _hours(session: Session, source: MonitoredSource, start: dt.datetime, end: dt.datetime) -> list[ea.HourData]:
    """The source's 2061 hours with flow, valid minutes from 2051 and operator marks applied."""
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    flow_code = ea.FLOW_CODES.get(source.kind, "")
    rows = list(session.scalars(select(Reading).where(
        Reading.mn == source.mn, Reading.cn == "2061", Reading.data_time >= start, Reading.data_time < end)))
    flows = {as_utc(r.data_time): r for r in rows if r.code == flow_code}
    minute_span = int((source.intervals or {}).get("2051", 600)) / 60
    valid_minutes: dict[tuple[dt.datetime, str], float] = {}
    for when, code, flag in session.execute(select(Reading.data_time, Reading.code, Reading.flag).where(
            Reading.mn == source.mn, Reading.cn == "2051", Reading.data_time >= start, Reading.data_time < end)):
        hour = as_utc(when).replace(minute=0, second=0, microsecond=0)
        add = minute_span if flag in ea.VALID_FLAGS else 0.0
        valid_minutes[(hour, code)] = valid_minutes.get((hour, code), 0.0) + add
    marks = [(as_utc(m.start), as_utc(m.end)) for m in marks_of(session, source.id)]
    hours = []
    for r in rows:
        if r.code == flow_code:
            continue
        when = as_utc(r.data_time)
        flow = flows.get(when)
        hours.append(ea.HourData(when, r.code, r.avg, r.cou, r.flag, flow.cou if flow else None,
                                 flow.avg if flow else None, valid_minutes.get((when, r.code)),
                                 any(a <= when < b for a, b in marks)))
    return hours


def _source_year_amounts(session: Session, source: MonitoredSource, start: dt.datetime,
                         end: dt.datetime) -> list[tuple[str, float]]:
    """(code, tonnes) over valid hours."""
    sums: dict[str, float] = {}
    for hour in _hours(session, source, start, end):
        amount = ea.hourly_amount(hour, source.kind)
        if amount.valid and amount.mass_kg is not None:
            sums[amount.code] = sums.get(amount.code, 0.0) + amount.mass_kg / 1000
    return sorted(sums.items())


def source_amounts(url: str, mn: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Per day and pollutant: kg from valid hours, the count of valid hours, whether the day is valid."""
    with session_scope(url) as session:
        source = require_source(session, mn)
        rule = ea.RULES.get(source.kind, ea.FLUE_GAS_RULE)
        hours = [ea.hourly_amount(h, source.kind, rule) for h in _hours(session, source, start, end)]
        return [{"mn": mn, "day": d.day, "code": d.code, "mass_kg": d.mass_kg, "valid_hours": d.valid_hours,
                 "valid_day": d.valid} for d in ea.daily_amounts(hours, rule, CST)]


def emission_totals(url: str, year: int, codes: dict[str, str] | None = None,
                    end: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Totals by region and Annex 2 pollutant for the year, with progress against the permits."""
    codes = codes or ea.ANNEX2_CODES
    start = dt.datetime(year, 1, 1, tzinfo=CST)
    end = end or dt.datetime(year + 1, 1, 1, tzinfo=CST)
    amounts: list[tuple[str, str, float]] = []
    permits: dict[tuple[str, str], float] = {}
    with session_scope(url) as session:
        for source in list_sources(session):
            for code, tonnes in _source_year_amounts(session, source, start, end):
                amounts.append((source.region, code, tonnes * 1000))
            for p in pollutants_of(session, source.id):
                if p.annual_permit_t is not None:
                    key = (source.region, p.code)
                    permits[key] = permits.get(key, 0.0) + float(p.annual_permit_t)
    return [{"region": t.region, "pollutant": t.pollutant, "code": t.code, "year": year, "amount_t": t.amount_t,
             "permit_t": t.permit_t, "share_of_permit": t.share_of_permit}
            for t in ea.totals_by_region(amounts, permits, codes)]


def parse_time(text: str | None, field: str) -> dt.datetime | None:
    """``YYYY-MM-DD[ hh:mm[:ss]]`` or ``YYYYMMDDhhmmss`` in Beijing time."""
    if text is None:
        return None
    cleaned = text.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d%H%M%S", "%Y%m%d"):
        try:
            return dt.datetime.strptime(cleaned, fmt).replace(tzinfo=CST)
        except ValueError:
            continue
    raise EcerError("MONITOR_TIME_INVALID", text, field=field, value=text)


def marks(url: str, mn: str | None = None) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        source_id = require_source(session, mn).id if mn else None
        by_id = {s.id: s.mn for s in list_sources(session)}
        return [{"id": m.id, "mn": by_id.get(m.source_id), "kind": m.kind, "start": beijing(m.start),
                 "end": beijing(m.end), "reason": m.reason, "created_by": m.created_by}
                for m in marks_of(session, source_id)]


def ingest_stream(url: str, data: bytes, *, peer: str = "file", batch: int = 5000) -> dict[str, Any]:
    """Store a captured packet stream the way the server does (framer → exchanges → batch writer), without replies.

    For loading a data logger's saved packets or a capture; registered sources only, the rest is quarantined.
    """
    from ecer.protocol.hj212.framer import Frame, Framer
    from ecer.server.exchanges import Conversation, SourceInfo
    from ecer.services.environment_hj212 import ingest_packets
    from ecer.storage.ingest import BatchWriter, registered_sources

    known = {s.mn: SourceInfo(mn=s.mn, pw=s.pw, kind=s.kind, st=s.st, accepted=frozenset(s.accepted_deviations or ()),
                              extensions=frozenset(s.vendor_extensions or ()), intervals=dict(s.intervals or {}))
             for s in registered_sources(url)}
    conversation = Conversation(lambda: known, peer=peer, backfill=False)
    cutter = Framer()
    cutter.receive_data(data)
    cutter.receive_data(b"")
    writer = BatchWriter(url)
    rows: list[tuple[object, ...]] = []
    refused: list[tuple[object, ...]] = []
    ambient: list[Any] = []
    counts = {"frames": 0, "readings": 0, "quarantined": 0}
    received = dt.datetime.now(dt.UTC)

    def flush() -> None:
        packets = list(ambient)  # ambient stations' uploads become station concentrations in the same transaction
        writer.write(rows, refused, (lambda session: ingest_packets(session, packets)) if packets else None)
        counts["readings"] += len(rows)
        counts["quarantined"] += len(refused)
        rows.clear()
        refused.clear()
        ambient.clear()

    for event in cutter.events():
        if not isinstance(event, Frame):
            continue
        counts["frames"] += 1
        outcome = conversation.handle_frame(event.raw)
        rows.extend(outcome.rows)
        if outcome.quarantine is not None:
            refused.append((received, peer, *outcome.quarantine))
        if outcome.ambient is not None:
            ambient.append(outcome.ambient)
        if len(rows) >= batch:
            flush()
    flush()
    return counts


def set_retention(url: str, cn: str, days: int, actor: str) -> dict[str, Any]:
    """Keep readings of ``cn`` for ``days`` days (0 removes the setting: keep forever)."""
    from ecer.storage.monitoring import RetentionSetting

    if not (len(cn) == 4 and cn.isdigit()) or days < 0:
        raise EcerError("INPUT_INVALID", f"CN={cn} days={days}", field="--cn")
    with session_scope(url) as session:
        setting = session.get(RetentionSetting, cn)
        if days == 0:
            if setting is not None:
                session.delete(setting)
        else:
            setting = setting or RetentionSetting(cn=cn, days=days, updated_by=actor)
            setting.days, setting.updated_by, setting.updated_at = days, actor, dt.datetime.now(dt.UTC)
            session.add(setting)
        session.add(AuditEntry(actor=actor, action="monitor.retention.set", target=cn, detail={"days": days}))
    return {"cn": cn, "days": days or None}


def retention(url: str) -> list[dict[str, Any]]:
    from ecer.storage.monitoring import RetentionSetting

    with session_scope(url) as session:
        return [{"cn": r.cn, "days": r.days, "updated_by": r.updated_by}
                for r in session.scalars(select(RetentionSetting).order_by(RetentionSetting.cn))]


def apply_retention(url: str, now: dt.datetime | None = None, actor: str = "retention") -> list[dict[str, Any]]:
    """Delete readings older than their CN's retention; hourly and daily data are usually kept for good."""
    from sqlalchemy import delete

    from ecer.storage.monitoring import RetentionSetting

    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    result = []
    with session_scope(url) as session:
        for setting in session.scalars(select(RetentionSetting).order_by(RetentionSetting.cn)):
            cutoff = now - dt.timedelta(days=setting.days)
            deleted = session.execute(delete(Reading).where(Reading.cn == setting.cn, Reading.data_time < cutoff))
            result.append({"cn": setting.cn, "days": setting.days, "cutoff": beijing(cutoff),
                           "deleted": deleted.rowcount})
        session.add(AuditEntry(actor=actor, action="monitor.retention.apply", target="monitoring_readings",
                               detail={r["cn"]: r["deleted"] for r in result}))
    return result
