"""What the automatically scored measure items read from the other capabilities' tables.

- key units (issue 4): each registered unit's monthly reports (first non-draft revision per month,
  local date in UTC+8) and its budget status (``ecer budget status``'s forecast against the budget);
- monitoring alarms (issue 3): the region's registered sources' alarms of the year and when each was
  first handled — the earliest audited acknowledge or close, since closing an acknowledged alarm
  overwrites ``handled_at``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.assessment.key_units import UnitStanding, reported_on_time
from ecer.domain.assessment.rubric import KeyUnitRule

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
ALARM_ACTIONS = ("monitor.alarm.acknowledge", "monitor.alarm.close")


def _local(when: dt.datetime) -> dt.datetime:
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(CHINA_STANDARD_TIME)


def key_unit_standings(session: Session, region: str, year: int, rule: KeyUnitRule,
                       as_of: dt.date) -> list[UnitStanding] | None:
    """The region's key units with their reporting and budget standing; None when no unit is registered."""
    from ecer.services.key_units import budget_of_unit
    from ecer.storage.energy_reports import approved_months, revisions
    from ecer.storage.key_unit_registry import units
    from ecer.storage.key_units import KeyUnit

    if session.scalar(select(KeyUnit.id).limit(1)) is None:
        return None
    standings = []
    for unit in units(session, region):
        first: dict[int, dt.date | None] = {}
        for rev in revisions(session, unit.id, year):
            if rev.status == "draft":
                continue
            day = _local(rev.created_at).date()
            if first.get(rev.month) is None or day < first[rev.month]:  # type: ignore[operator]
                first[rev.month] = day
        status = budget_of_unit(session, unit, year, approved_months(session, [unit.id]).get(unit.id, {}))
        within = None
        if status is not None and status.get("forecast_tce") is not None:
            within = status["forecast_tce"] <= status["budget_tce"]
        standings.append(UnitStanding(unit.name, reported_on_time(year, first, rule.report_due_day, as_of), within))
    return standings


def alarm_counts(session: Session, region: str, year: int, hours: int) -> tuple[int, int] | None:
    """(handled within ``hours``, alarms) of the region's sources in ``year`` (Beijing time);
    None while no monitored source is registered anywhere."""
    from ecer.storage.models import AuditEntry
    from ecer.storage.monitoring import Alarm, MonitoredSource

    if session.scalar(select(MonitoredSource.id).limit(1)) is None:
        return None
    query = (select(Alarm).join(MonitoredSource, MonitoredSource.mn == Alarm.mn)
             .where(MonitoredSource.region == region))
    alarms = [a for a in session.scalars(query) if _local(a.start).year == year]
    first: dict[str, dt.datetime] = {}
    if alarms:
        audit = select(AuditEntry.target, AuditEntry.at).where(
            AuditEntry.action.in_(ALARM_ACTIONS), AuditEntry.target.in_([str(a.id) for a in alarms]))
        for target, at in session.execute(audit):
            at = _local(at)
            if target not in first or at < first[target]:
                first[target] = at
    limit = dt.timedelta(hours=hours)
    handled = 0
    for a in alarms:
        when = first.get(str(a.id)) or (_local(a.handled_at) if a.handled_at is not None else None)
        handled += when is not None and when - _local(a.start) <= limit
    return handled, len(alarms)
