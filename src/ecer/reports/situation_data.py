"""The situation report's figures from the other capabilities: key-unit budgets (issue 4), monitoring
alarms (issue 3), Annex 2 pollutant progress (issue 5) and environmental quality (issue 8).

Each reader returns None while its module holds no data, so the report can say so instead of showing
an empty table; :func:`attention_from_modules` turns the same figures into per-region reasons.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
ALARM_KIND_ZH = {
    "over_limit": "超标排放", "missing_data": "数据缺失", "suspicious_constant": "数据恒值",
    "suspicious_flat": "数据长时间不变", "suspicious_flag_t": "超测量上限标记", "suspicious_zero_flow": "流量为零",
    "permit_approaching": "接近许可排放量",
}
ALARM_STATUS_ZH = {"open": "未处置", "acknowledged": "已确认", "closed": "已关闭"}
POLLUTANT_ZH = {"COD": "化学需氧量", "NH3N": "氨氮", "NOx": "氮氧化物", "VOCs": "挥发性有机物"}


def pollutant_progress(session: Session, year: int) -> list[Any] | None:
    """``ecer emissions progress`` rows (region × pollutant); None while no project is approved."""
    from ecer.services.assessment import pollutant_rows

    return pollutant_rows(session, year)


def unit_budgets(session: Session, year: int) -> list[dict[str, Any]] | None:
    """Every key unit with a budget for ``year`` and its forecast (``ecer budget status``); None when none."""
    from ecer.services.budgets import status_rows

    rows = [r for r in status_rows(session, year) if r.get("scope") == "unit"]
    return rows or None


def over_budget(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units whose year forecast exceeds their budget."""
    return [r for r in rows if r.get("forecast_tce") is not None and r.get("budget_tce") is not None
            and r["forecast_tce"] > r["budget_tce"]]


def alarm_summary(session: Session, year: int) -> list[dict[str, Any]] | None:
    """Alarms of ``year`` (Beijing time) by region and kind with their handling state; None without sources."""
    from ecer.storage.monitoring import Alarm, MonitoredSource

    if session.scalar(select(MonitoredSource.id).limit(1)) is None:
        return None
    counts: dict[tuple[str, str], Counter[str]] = {}
    query = select(Alarm, MonitoredSource.region).join(MonitoredSource, MonitoredSource.mn == Alarm.mn)
    for alarm, region in session.execute(query):
        start = alarm.start if alarm.start.tzinfo else alarm.start.replace(tzinfo=dt.UTC)
        if start.astimezone(CHINA_STANDARD_TIME).year != year:
            continue
        counts.setdefault((region, alarm.kind), Counter())[alarm.status] += 1
    return [{"region": region, "kind": kind, "kind_zh": ALARM_KIND_ZH.get(kind, kind), "total": sum(c.values()),
             **{status: c.get(status, 0) for status in ALARM_STATUS_ZH}}
            for (region, kind), c in sorted(counts.items())]


def environment(session: Session, plan: Any, year: int) -> dict[str, Any] | None:
    """The year's air evaluation (city and regions, ranked), water sections against target, and the
    environmental-quality alarms by region and kind; None while no station is registered."""
    from ecer.services.environment_alarms import list_alarms
    from ecer.services.environment_quality import evaluate_air, evaluate_water
    from ecer.storage import environment_data as data

    air_stations, water_stations = data.stations(session, "air"), data.stations(session, "water")
    if not air_stations and not water_stations:
        return None
    air = [r for r in evaluate_air(session, plan, year) if r["month"] is None] if air_stations else []
    water = [r for r in evaluate_water(session, plan, year) if r["month"] is None] if water_stations else []
    alarms = Counter((a["region"], a["kind_zh"]) for a in
                     list_alarms(session, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31)))
    return {
        "air_city": next((r for r in air if r["scope"] == "city"), None),
        "air_regions": [r for r in air if r["scope"] == "region"],
        "water_city": next((r for r in water if r["scope"] == "city"), None),
        "sections": [r for r in water if r["scope"] == "section"],
        "alarms": [{"region": region, "kind_zh": kind, "count": n} for (region, kind), n in sorted(alarms.items())],
    }


def _pct(value: Decimal) -> str:
    return f"{value * 100:.1f}%"


def attention_from_modules(*, units: list[dict[str, Any]] | None, alarms: list[dict[str, Any]] | None,
                           pollutants: list[Any] | None, env: dict[str, Any] | None) -> dict[str, list[str]]:
    """Region → reasons for attention from key units, alarms, pollutant progress and environment quality."""
    reasons: dict[str, list[str]] = {}

    def add(region: str | None, text: str) -> None:
        if region:
            reasons.setdefault(region, []).append(text)

    for u in over_budget(units or []):
        add(u.get("region"), f"重点用能单位{u.get('name')}预计全年用能 {u['forecast_tce']:,.0f} 吨标准煤，"
                             f"超出预算 {u['budget_tce']:,.0f} 吨标准煤")
    still_open: Counter[str] = Counter()
    for a in alarms or []:
        still_open[a["region"]] += a["open"]
    for region, n in sorted(still_open.items()):
        if n:
            add(region, f"在线监测预警 {n} 次尚未处置")
    for p in pollutants or []:
        if p.completion is not None and p.required_progress is not None and p.completion < p.required_progress:
            add(p.region, f"{POLLUTANT_ZH.get(p.pollutant, p.pollutant)}重点工程减排完成 {_pct(p.completion)}，"
                          f"低于进度要求 {_pct(p.required_progress)}")
    if env:
        ranked = [r for r in env["air_regions"] if r["rank"] is not None]
        if len(ranked) > 1:
            last = max(ranked, key=lambda r: r["rank"])
            add(last["region"], f"环境空气质量综合指数 {last['comprehensive_index']:.2f}，"
                                f"在 {len(ranked)} 个地区中排名末位")
        for s in env["sections"]:
            if s["meets_target"] is False:
                add(s["region"], f"{s['name']}断面水质 {s['water_class']} 类，未达到 {s['target_class']} 类目标")
    return reasons
