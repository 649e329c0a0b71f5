"""Environmental-quality warnings (issue 8 §4): heavy pollution, a section below target, a silent station.

Alarms live in ``env_alarms`` (one per kind, station and date, so a scan can be repeated). The
monitoring engineer's general alarm table may replace it later; this one is kept small for that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.environment.aqi import daily_aqi
from ecer.domain.environment.evaluation import HEAVY_POLLUTION_MIN_AQI
from ecer.domain.environment.water import section_class
from ecer.domain.environment.water_assessment import class_worse_than
from ecer.domain.errors import EcerError
from ecer.storage import environment_data as data

AIR_SILENT_AFTER_DAYS = 2
"""An air station that reports hourly or daily is silent after two whole days without data."""
WATER_SILENT_AFTER_DAYS = 45
"""A section sampled monthly is silent when no sample comes for 45 days (a month's sample missed)."""
KIND_ZH = {"heavy_pollution": "重度及以上污染", "below_target": "水质低于目标", "silent": "站点停止上报"}


def scan(session: Session, first: dt.date, last: dt.date, *, as_of: dt.date | None = None,
         codes: Collection[str] | None = None) -> int:
    """Record the alarms for data dated ``first``…``last``; ``as_of`` also checks for silence up to then.

    ``codes`` limits the scan to those stations (the HJ 212 writer passes the ones a batch changed, so a
    batch does not re-read every station). Returns how many new alarms were recorded.
    """
    from ecer.services.environment_quality import station_days

    new = 0
    air = [s for s in data.stations(session, "air") if codes is None or s.code in codes]
    days = station_days(session, air, first, last)
    for station in air:
        for day, values in sorted(days.get(station.id, {}).items()):
            present = {k: v for k, v in values.items() if v is not None}
            if not present:
                continue
            try:
                result = daily_aqi(present)
            except EcerError:
                continue
            if result.aqi >= HEAVY_POLLUTION_MIN_AQI:
                primary = "、".join(result.primary_pollutants)
                new += data.add_alarm(
                    session, kind="heavy_pollution", station_id=station.id, date=day, value=str(result.aqi),
                    message=f"{station.name} {day} 空气质量指数 {result.aqi}（{result.category.name_zh}），首要污染物 {primary}",
                    detail={"aqi": result.aqi, "category": result.category.name_zh, "primary_pollutants":
                            result.primary_pollutants, "iaqi": result.iaqi})
    water = [s for s in data.stations(session, "water") if codes is None or s.code in codes]
    start, end = dt.datetime.combine(first, dt.time()), dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    by_id = {s.id: s for s in water}
    for station_id, when, values in data.water_samples(session, by_id, start, end):
        station = by_id[station_id]
        if station.target_class is None or not values:
            continue
        try:
            result = section_class(values, station.water_kind or "river")
        except EcerError:
            continue
        if class_worse_than(result.water_class, station.target_class):
            limiting = "、".join(result.limiting_parameters)
            new += data.add_alarm(
                session, kind="below_target", station_id=station_id, date=when.date(), value=result.water_class,
                message=f"{station.name} {when:%Y-%m-%d} 水质 {result.water_class} 类，劣于目标 {station.target_class} 类"
                        f"（定类项目 {limiting}）",
                detail={"water_class": result.water_class, "target_class": station.target_class,
                        "limiting_parameters": result.limiting_parameters})
    if as_of is not None or first < last:  # within one day there is no gap to find
        new += _silence(session, [*air, *water], first, last, as_of)
    return new


def _silence(session: Session, stations: list[Any], first: dt.date, last: dt.date, as_of: dt.date | None) -> int:
    """A gap longer than the station's limit between reports in [first, last], or up to ``as_of``."""
    new = 0
    for station in stations:
        limit = AIR_SILENT_AFTER_DAYS if station.medium == "air" else WATER_SILENT_AFTER_DAYS
        reported = sorted(data.report_dates(session, station, first, last))
        if not reported:
            continue
        ends = [*reported[1:], *([as_of] if as_of is not None and as_of > reported[-1] else [])]
        for before, after in zip(reported, ends, strict=False):
            gap = (after - before).days - 1
            if gap >= limit:
                new += data.add_alarm(
                    session, kind="silent", station_id=station.id, date=before + dt.timedelta(days=1),
                    value=before.isoformat(),
                    message=f"{station.name} 在 {before} 之后连续 {gap} 天无数据（限 {limit} 天）",
                    detail={"last_report": before.isoformat(), "gap_days": gap, "limit_days": limit})
    return new


def list_alarms(session: Session, *, medium: str | None = None, first: dt.date | None = None,
                last: dt.date | None = None) -> list[dict[str, Any]]:
    """The alarms, oldest first, as the CLI and web show them."""
    return [
        {"id": a.id, "kind": a.kind, "kind_zh": KIND_ZH.get(a.kind, a.kind), "medium": s.medium,
         "station": s.code, "station_name": s.name, "region": s.region, "date": a.date, "value": a.value,
         "message": a.message}
        for a, s in data.alarms(session, medium=medium, first=first, last=last)
    ]
