"""Read stored concentrations and samples, evaluate them (HJ 663-2013, GB 3838-2002), and shape the rows
``ecer air evaluate``, ``ecer water evaluate`` and the 环境质量 page show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.environment.air_assessment import (
    AirStatistics,
    day_aqi,
    period_statistics,
    rank_regions,
    region_days,
)
from ecer.domain.environment.daily import daily_from_hourly
from ecer.domain.environment.water_assessment import SectionResult, evaluate_section, shares
from ecer.domain.errors import EcerError
from ecer.storage import environment_data as data
from ecer.storage.environment import EnvStation

Days = dict[dt.date, dict[str, Decimal | None]]

AIR_TARGETS: dict[str, str] = {
    "pm25_annual_mean": "pm2_5",
    "pm2_5_concentration": "pm2_5",
    "good_air_days_share": "good_day_share",
    "heavy_pollution_days": "heavy_pollution_days",
    "air_comprehensive_index": "comprehensive_index",
}
"""Plan indicator id → the evaluation figure it is measured by (a plan names its air targets so)."""
WATER_TARGETS: dict[str, str] = {
    "surface_water_good_share": "good_share",
    "surface_water_worse_than_v_share": "worse_than_v_share",
    "surface_water_target_share": "target_share",
}


def station_days(session: Session, stations: Iterable[EnvStation], first: dt.date, last: dt.date) -> dict[int, Days]:
    """Station id → date → the day's valid values; a day with hourly data is computed from it."""
    by_id = {s.id: s for s in stations}
    hourly: dict[tuple[int, dt.date], dict[int, dict[str, Decimal | None]]] = {}
    daily: dict[int, Days] = {}
    for reading in data.air_readings(session, by_id, first, last):
        values = data.valid_air_values(reading)
        if reading.resolution == "hour":
            hourly.setdefault((reading.station_id, reading.date), {})[reading.hour] = values
        else:
            daily.setdefault(reading.station_id, {})[reading.date] = values
    for (station_id, day), hours in hourly.items():
        daily.setdefault(station_id, {})[day] = daily_from_hourly(hours).values
    return daily


def _air_row(scope: str, name: str, region: str | None, year: int, month: int | None,
             stats: AirStatistics) -> dict[str, Any]:
    return {
        "scope": scope, "name": name, "region": region, "year": year, "month": month,
        "days": stats.days, "valid_days": stats.valid_days,
        "so2": stats.means["SO2"], "no2": stats.means["NO2"], "pm10": stats.means["PM10"],
        "pm2_5": stats.means["PM2_5"], "co_p95": stats.co_p95, "o3_8h_p90": stats.o3_8h_p90,
        "good_days": stats.good_days, "good_day_share": stats.good_day_share,
        "heavy_pollution_days": stats.heavy_pollution_days,
        "comprehensive_index": stats.comprehensive_index, "rank": None, "invalid": stats.invalid,
    }


def _plan_progress(plan: Any, figures: Mapping[str, Any], known: Mapping[str, str], what_zh: str) -> dict[str, Any]:
    """The plan's targets among ``known`` compared with the figures; says so when the plan gives none."""
    results = []
    for indicator in getattr(plan, "indicators", []):
        key = known.get(indicator.id)
        if key is None:
            continue
        actual = figures.get(key)
        met = None
        if actual is not None:
            op = indicator.effective_comparison
            target = indicator.target_value
            met = {">=": actual >= target, ">": actual > target, "<=": actual <= target, "<": actual < target,
                   "=": actual == target}[op]
        results.append({"indicator_id": indicator.id, "name": indicator.name_zh, "target": indicator.target_value,
                        "target_year": indicator.target_year, "comparison": indicator.effective_comparison,
                        "actual": actual, "met": met})
    note = None if results else f"规划（{getattr(plan, 'id', '—')}）未设定{what_zh}目标"
    return {"plan_targets": results, "plan_targets_note": note}


def evaluate_air(session: Session, plan: Any, year: int, month: int | None = None) -> list[dict[str, Any]]:
    """City, region and station rows for the year (with each month's rows) or one month."""
    stations = data.stations(session, "air")
    if not stations:
        raise EcerError("ENV_NO_STATIONS")
    first = dt.date(year, month or 1, 1)
    last = dt.date(year, month or 12, 1) + dt.timedelta(days=31)
    last = last.replace(day=1) - dt.timedelta(days=1)
    days = station_days(session, stations, first, last)
    city = plan.city.name
    regions: dict[str, list[Days]] = {}
    for s in stations:
        if s.region != city:
            regions.setdefault(s.region, []).append(days.get(s.id, {}))
    city_days = region_days(days.get(s.id, {}) for s in stations)
    region_series = {name: region_days(series) for name, series in regions.items()}
    # each day's AQI once per scope, shared by the year and its months
    aqis = {key: {d: day_aqi(v) for d, v in series.items()}
            for key, series in [("", city_days), *region_series.items(),
                                *((s.id, days.get(s.id, {})) for s in stations)]}
    months: list[int | None] = [month] if month else [None, *range(1, 13)]
    rows: list[dict[str, Any]] = []
    for m in months:
        city_row = _air_row("city", city, None, year, m, period_statistics(city_days, year, m, aqis[""]))
        region_rows = [_air_row("region", name, name, year, m, period_statistics(series, year, m, aqis[name]))
                       for name, series in region_series.items()]
        ranks = rank_regions({r["name"]: r["comprehensive_index"] for r in region_rows})
        for r in region_rows:
            r["rank"] = ranks[r["name"]]
        region_rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
        station_rows = [_air_row("station", f"{s.name}（{s.code}）", s.region, year, m,
                                 period_statistics(days.get(s.id, {}), year, m, aqis[s.id])) for s in stations]
        if m == month:
            city_row.update(_plan_progress(plan, city_row, AIR_TARGETS, "空气质量"))
        rows += [city_row, *region_rows, *station_rows]
    return rows


def _section_results(session: Session, stations: list[EnvStation], first: dt.datetime,
                     last: dt.datetime) -> list[SectionResult]:
    samples: dict[int, list[dict[str, Decimal]]] = {s.id: [] for s in stations}
    for station_id, _when, values in data.water_samples(session, samples, first, last):
        if values:
            samples[station_id].append(values)
    return [evaluate_section(s.code, s.region, s.water_kind or "river", s.target_class, samples[s.id])
            for s in stations]


def _month_bounds(year: int, month: int | None) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month or 1, 1)
    end = dt.datetime(year + 1, 1, 1) if month in (None, 12) else dt.datetime(year, month + 1, 1)  # type: ignore[operator]
    return start, end


def evaluate_water(session: Session, plan: Any, year: int, month: int | None = None) -> list[dict[str, Any]]:
    """Section rows (class against target) and share rows by region and for the city."""
    stations = data.stations(session, "water")
    if not stations:
        raise EcerError("ENV_NO_STATIONS")
    names = {s.code: s for s in stations}
    months: list[int | None] = [month] if month else [None, *range(1, 13)]
    rows: list[dict[str, Any]] = []
    for m in months:
        results = _section_results(session, stations, *_month_bounds(year, m))
        city = _share_row(shares(results, plan.city.name), "city", year, m)
        if m == month:
            city.update(_plan_progress(plan, city, WATER_TARGETS, "地表水质量"))
        regions = sorted({r.region for r in results})
        rows.append(city)
        rows += [_share_row(shares([r for r in results if r.region == g], g), "region", year, m) for g in regions]
        for r in results:
            station = names[r.section]
            rows.append({
                "scope": "section", "name": station.name, "section": r.section, "region": r.region,
                "year": year, "month": m, "water_body": station.water_body, "water_kind": station.water_kind,
                "target_class": r.target_class, "samples": r.samples, "water_class": r.water_class,
                "limiting_parameters": [] if r.result is None else r.result.limiting_parameters,
                "meets_target": r.meets_target, "classes": {} if r.result is None else r.result.classes,
            })
    return rows


def _share_row(summary: Any, scope: str, year: int, month: int | None) -> dict[str, Any]:
    return {
        "scope": scope, "name": summary.region, "region": None if scope == "city" else summary.region,
        "year": year, "month": month, "sections": summary.sections, "evaluated": summary.evaluated,
        "good": summary.good, "good_share": summary.good_share, "worse_than_v": summary.worse_than_v,
        "worse_than_v_share": summary.worse_than_v_share, "meeting_target": summary.meeting_target,
        "target_share": summary.target_share,
    }


def page_data(session: Session, plan: Any, year: int) -> dict[str, Any]:
    """What the 环境质量 page needs: stations with their latest AQI, daily AQI calendars, PM2.5 and
    ozone trends with their standards, and the sections' classes against target."""
    from ecer.domain.environment.air_assessment import day_aqi, period_days
    from ecer.domain.environment.reference import iaqi_breakpoints, secondary_limits

    air = data.stations(session, "air")
    days = station_days(session, air, dt.date(year, 1, 1), dt.date(year, 12, 31))
    limits = secondary_limits()
    pm25_24h = next(c for c, index in iaqi_breakpoints()["PM2_5_24h"].points if index == 100)  # = GB 3095 二级
    station_list, calendars, trends = [], {}, {}
    for s in air:
        series = days.get(s.id, {})
        calendar = {d: day_aqi(series[d]) if d in series else None for d in period_days(year)}
        latest = next(((d, r) for d, r in sorted(calendar.items(), reverse=True) if r is not None), None)
        station_list.append({
            "code": s.code, "name": s.name, "region": s.region, "longitude": s.longitude, "latitude": s.latitude,
            "latest_date": None if latest is None else latest[0],
            "latest_aqi": None if latest is None else latest[1].aqi,
            "latest_category": None if latest is None else latest[1].category.name_zh,
            "latest_colour": None if latest is None else "#{:02x}{:02x}{:02x}".format(*latest[1].category.rgb),
        })
        calendars[s.code] = [{"date": d, "aqi": None if r is None else r.aqi,
                              "level": None if r is None else r.category.level} for d, r in calendar.items()]
        trends[s.code] = [{"date": d, "pm2_5": series[d].get("PM2_5"), "o3_8h": series[d].get("O3_8h")}
                          for d in sorted(series)]
    water = [r for r in evaluate_water(session, plan, year) if r["scope"] == "section" and r["month"] is None] \
        if data.stations(session, "water") else []
    return {
        "year": year, "stations": station_list, "daily_aqi": calendars, "trends": trends,
        "standards": {"pm2_5_24h": pm25_24h, "pm2_5_annual": limits["PM2_5"], "o3_8h": limits["O3"]},
        "sections": water,
    }
