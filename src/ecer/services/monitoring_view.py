"""在线监测 for the web: sources, readings and alarms as one principal may see them, and alarm handling.

Scope (web issue §3, issue 6 §2): administrators, city and read-only users see every source; a
district user the sources counting to its own region; an enterprise user only the sources whose
enterprise is its own key unit (matched by the unit's registered name, the only link the source
registry holds) and is refused when there is no such source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.domain.warning.monitoring import DEFAULT_MISSING_MULTIPLE
from ecer.services.dashboard import current_plan
from ecer.services.derived_cache import cached
from ecer.services.monitoring import ALARM_TRANSITIONS, alarm_row, beijing, source_row
from ecer.storage import audit
from ecer.storage.ingest import as_utc
from ecer.storage.monitoring import Alarm, MonitoredSource, Reading, SourcePollutant
from ecer.storage.sources import list_sources
from ecer.web.access import Principal

STATUS_ZH = {"online": "在线", "offline": "离线", "never": "无数据"}
KIND_ZH = {"over_limit": "超标", "missing_data": "数据缺失", "suspicious_constant": "数据恒值",
           "suspicious_flag_t": "超测定上限", "suspicious_zero_flow": "零流量", "suspicious_flat": "数据平直",
           "permit_approaching": "接近许可排放量"}
ALARM_STATUS_ZH = {"open": "未处理", "acknowledged": "已确认", "closed": "已关闭"}
HOURLY = "2061"


def _unit_name(session: Session, principal: Principal) -> str:
    """The enterprise user's key unit name; refused when the user has no unit."""
    from ecer.storage.key_units import KeyUnit

    unit = session.get(KeyUnit, principal.unit_id) if principal.unit_id is not None else None
    if unit is None:
        raise EcerError("ACCESS_DENIED", "企业用户未关联重点用能单位")
    return unit.name


def visible_sources(session: Session, principal: Principal, region: str | None = None) -> list[SourceView]:
    """The sources this principal may read, optionally of one region (a region it may not read: refused)."""
    city = current_plan(session).city.name
    if region is not None and principal.role != "enterprise" and not principal.can_read_region(region, city):
        raise EcerError("ACCESS_DENIED", region)
    found = [s for s in all_sources(session) if region is None or s.region == region]
    if principal.role == "enterprise":
        name = _unit_name(session, principal)
        found = [s for s in found if s.enterprise == name]
        if not found:
            raise EcerError("ACCESS_DENIED", "本单位没有在线监测点位")
        return found
    if principal.reads_all_regions:
        return found
    return [s for s in found if principal.can_read_region(s.region, city)]


@dataclass(frozen=True)
class SourceView:
    """What the pages need of a registered source; plain values, so requests can share it."""

    id: int
    mn: str
    enterprise: str
    outlet: str
    kind: str
    region: str
    intervals: dict[str, Any]


def all_sources(session: Session) -> list[SourceView]:
    """Every registered source, once per data version (a change goes through ``ecer.storage.sources``,
    which replaces the source's pollutant rows and so changes the version)."""
    return cached(session, "all_sources", (), (MonitoredSource, SourcePollutant), lambda: [
        SourceView(s.id, s.mn, s.enterprise, s.outlet, s.kind, s.region, dict(s.intervals or {}))
        for s in list_sources(session)], count=False)


def readable_mns(session: Session, principal: Principal, region: str | None = None) -> Any:
    """The MNs this principal may read, for ``Column.in_``: a subquery where the scope is every source or
    a region (a literal list of hundreds of MNs cost more to compile than the query to run)."""
    sources = visible_sources(session, principal, region)  # refuses what the principal may not read
    if principal.role != "enterprise" and (principal.reads_all_regions or region is not None):
        query = select(MonitoredSource.mn)
        return query if region is None else query.where(MonitoredSource.region == region)
    return [s.mn for s in sources]


def require_source(session: Session, principal: Principal, mn: str) -> SourceView:
    """One readable source by MN; outside the scope it does not exist (404), as for an id."""
    source = next((s for s in visible_sources(session, principal) if s.mn == mn), None)
    if source is None:
        raise EcerError("NOT_FOUND", f"监测点位 {mn}")
    return source


def source_status(source: SourceView, last: dt.datetime | None, now: dt.datetime) -> str:
    """Online while the last hourly record is younger than the missing-data rule's span (3 intervals)."""
    if last is None:
        return "never"
    interval = int((source.intervals or {}).get(HOURLY, 3600))
    return "online" if now - as_utc(last) <= dt.timedelta(seconds=interval * DEFAULT_MISSING_MULTIPLE) else "offline"


def source_rows(session: Session, principal: Principal, region: str | None = None,
                now: dt.datetime | None = None) -> SourceRows:
    """Sources with status, the time of their last hourly record, its values and open alarms."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return SourceRows(visible_sources(session, principal, region), cached_source_figures(session), now)


class SourceRows(Sequence[dict[str, Any]]):
    """The rows of ``source_rows``, each built when read: a page of 50 builds 50 rows, not one per
    readable source (a province's list is thousands long); an export reads them all."""

    def __init__(self, sources: list[SourceView], figures: dict[str, Any], now: dt.datetime) -> None:
        self._sources, self._figures, self._now = sources, figures, now

    def __len__(self) -> int:
        return len(self._sources)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._row(s) for s in self._sources[index]]
        return self._row(self._sources[index])

    def _row(self, source: SourceView) -> dict[str, Any]:
        base, latest, values, open_alarms = self._figures[source.mn]
        status = source_status(source, latest, self._now)
        return {**base, "status": status, "status_zh": STATUS_ZH[status], "last_data_time": beijing(latest),
                "latest_values": values, "open_alarms": open_alarms}


def cached_source_figures(session: Session) -> dict[str, tuple[dict[str, Any], dt.datetime | None, dict[str, Any], int]]:
    """``source_figures`` once per data version (readings are only appended: no row count)."""
    return cached(session, "source_figures", (), (MonitoredSource, SourcePollutant, Reading, Alarm),
                  lambda: source_figures(session), count=False)


def source_figures(session: Session) -> dict[str, tuple[dict[str, Any], dt.datetime | None, dict[str, Any], int]]:
    """MN → (registry row, time of the last hourly record, its values, open alarms), for every source
    at once: a query per kind of figure, not per source."""
    sources = list(session.scalars(select(MonitoredSource)))
    mns = [s.mn for s in sources]
    # per source, a correlated max: one index probe on (mn, cn, data_time) each, not a scan of every reading
    last_time = (select(func.max(Reading.data_time)).where(Reading.mn == MonitoredSource.mn, Reading.cn == HOURLY)
                 .correlate(MonitoredSource).scalar_subquery())
    last = {mn: at for mn, at in session.execute(select(MonitoredSource.mn, last_time)
                                                 .where(MonitoredSource.mn.in_(mns))).all() if at is not None}
    open_alarms = dict(session.execute(select(Alarm.mn, func.count()).where(
        Alarm.mn.in_(mns), Alarm.status == "open").group_by(Alarm.mn)).all())
    # pollutants and the last hour's values in one query each, not one per source
    pollutants: dict[int, list[dict[str, Any]]] = {}
    for p in session.scalars(select(SourcePollutant).where(SourcePollutant.source_id.in_([s.id for s in sources]))
                             .order_by(SourcePollutant.code)):
        pollutants.setdefault(p.source_id, []).append(
            {"code": p.code, "limit_value": p.limit_value, "limit_unit": p.limit_unit,
             "annual_permit_t": p.annual_permit_t, "resolution": p.resolution})
    values: dict[str, dict[str, Any]] = {}
    for r in session.scalars(select(Reading).join(MonitoredSource, Reading.mn == MonitoredSource.mn)
                             .where(MonitoredSource.mn.in_(mns), Reading.cn == HOURLY, Reading.data_time == last_time)
                             .order_by(Reading.id)):
        values.setdefault(r.mn, {})[r.code] = r.avg if r.avg is not None else r.rtd
    return {s.mn: ({**source_row(None, s), "pollutants": pollutants.get(s.id, [])},  # type: ignore[arg-type]
                   last.get(s.mn), values.get(s.mn, {}), int(open_alarms.get(s.mn, 0))) for s in sources}


def reading_query(session: Session, principal: Principal, mn: str | None, cn: str | None,
                  start: dt.datetime | None, end: dt.datetime | None) -> Any:
    """Readings of one readable source (or of all of them), oldest first (bounds compared in UTC, as stored)."""
    if mn is not None:
        require_source(session, principal, mn)
        query = select(Reading).where(Reading.mn == mn)
    else:
        query = select(Reading).where(Reading.mn.in_(readable_mns(session, principal)))
    if cn is not None:
        query = query.where(Reading.cn == cn)
    if start is not None:
        query = query.where(Reading.data_time >= start.astimezone(dt.UTC))
    if end is not None:
        query = query.where(Reading.data_time < end.astimezone(dt.UTC))
    return query.order_by(Reading.data_time, Reading.cn, Reading.code, Reading.id)


def reading_row(r: Reading) -> dict[str, Any]:
    return {"mn": r.mn, "cn": r.cn, "data_time": beijing(r.data_time), "code": r.code, "rtd": r.rtd, "min": r.min,
            "avg": r.avg, "max": r.max, "cou": r.cou, "zs_rtd": r.zs_rtd, "zs_avg": r.zs_avg, "flag": r.flag}


def curves(session: Session, principal: Principal, mn: str, days: int = 7) -> dict[str, Any]:
    """A source's hourly curves over its last ``days`` of data, one per pollutant, with its limit line."""
    source = require_source(session, principal, mn)
    row = cached_source_figures(session)[mn][0]
    last = session.scalar(select(func.max(Reading.data_time)).where(Reading.mn == mn, Reading.cn == HOURLY))
    series: dict[str, list[list[Any]]] = {}
    if last is not None:
        start = as_utc(last) - dt.timedelta(days=days)
        for r in session.scalars(select(Reading).where(Reading.mn == mn, Reading.cn == HOURLY,
                                                       Reading.data_time > start).order_by(Reading.data_time)):
            value = r.zs_avg if source.kind == "flue_gas" and r.zs_avg is not None else r.avg
            series.setdefault(r.code, []).append([beijing(r.data_time), value if value is not None else r.rtd])
    limits = {p["code"]: p["limit_value"] for p in row["pollutants"]}
    units = {p["code"]: p["limit_unit"] for p in row["pollutants"]}
    return {"mn": mn, "enterprise": source.enterprise, "outlet": source.outlet,
            "curves": [{"code": code, "limit": limits.get(code), "unit": units.get(code), "points": points}
                       for code, points in sorted(series.items(), key=lambda kv: (kv[0] not in limits, kv[0]))]}


def alarm_query(session: Session, principal: Principal, status: str | None = None, mn: str | None = None,
                region: str | None = None) -> Any:
    query = select(Alarm).where(Alarm.mn.in_(readable_mns(session, principal, region)))
    if status is not None:
        query = query.where(Alarm.status == status)
    if mn is not None:
        query = query.where(Alarm.mn == mn)
    return query.order_by(Alarm.start.desc(), Alarm.id.desc())


def open_alarm_summary(session: Session, principal: Principal, limit: int = 8) -> dict[str, Any]:
    """The home page's 在线监测报警: how many alarms are open on the readable sources, and the newest ones
    with their enterprise and outlet (an enterprise user without sources sees none rather than an error)."""
    try:
        sources = {s.mn: s for s in visible_sources(session, principal)}
    except EcerError as exc:
        if exc.code != "ACCESS_DENIED":
            raise
        sources = {}
    is_open = (Alarm.mn.in_(list(sources)), Alarm.status == "open")
    count = session.scalar(select(func.count(Alarm.id)).where(*is_open)) or 0
    newest = session.scalars(select(Alarm).where(*is_open).order_by(Alarm.start.desc(), Alarm.id.desc()).limit(limit))
    rows = [{**alarm_out(a), "enterprise": sources[a.mn].enterprise, "outlet": sources[a.mn].outlet} for a in newest]
    return {"count": count, "rows": rows}


def alarm_out(a: Alarm) -> dict[str, Any]:
    return {**alarm_row(a), "kind_zh": KIND_ZH.get(a.kind, a.kind), "status_zh": ALARM_STATUS_ZH.get(a.status),
            "handled_at": beijing(a.handled_at)}


def handle_alarm(session: Session, principal: Principal, alarm_id: int, action: str,
                 reason: str | None) -> dict[str, Any]:
    """确认 or 关闭 an alarm of a readable source, with a reason; read-only users may not; audited."""
    if action not in ("acknowledge", "close"):
        raise EcerError("INPUT_INVALID", action, field="action")
    alarm = session.get(Alarm, alarm_id)
    if alarm is None or alarm.mn not in {s.mn for s in visible_sources(session, principal)}:
        raise EcerError("NOT_FOUND", f"报警 {alarm_id}")
    if principal.role == "readonly":
        raise EcerError("ACCESS_DENIED", "只读用户不能处理报警")
    if not (reason or "").strip():
        raise EcerError("MONITOR_REASON_REQUIRED", field="reason")
    status = ALARM_TRANSITIONS.get((alarm.status, action))
    if status is None:
        raise EcerError("MONITOR_ALARM_TRANSITION", f"{alarm.status} → {action}")
    before = {"status": alarm.status, "reason": alarm.reason}
    alarm.status, alarm.reason, alarm.handled_by = status, (reason or "").strip(), principal.username
    alarm.handled_at = dt.datetime.now(dt.UTC)
    audit.record(session, principal.username, f"monitor.alarm.{action}", alarm_id, before=before,
                 after={"status": status, "reason": alarm.reason}, detail={"mn": alarm.mn, "via": principal.via})
    session.flush()
    return alarm_out(alarm)
