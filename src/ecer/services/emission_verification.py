"""Verify a project's reduction from the stored HJ 212 hourly readings of its outlet (``ecer.storage.monitoring``).

Hourly data (CN=2061) of the outlet's flow (w00000 / a00000 ``Cou``, m³) and of the pollutant (``Avg``) are paired
by DataTime; the worse of the two flags applies; an operator's 停产/检修 mark turns the intervals it covers into
F / M. The pure computation is :func:`ecer.domain.pollutants.verification.verify_reduction`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.domain.pollutants.verification import Reading, ValidDataRules, Verification, verify_reduction
from ecer.storage import emission_projects as store
from ecer.storage import monitoring

# pollutant → (flow code, HJ 212-2017 Appendix B code, concentration unit); VOCs monitored as 非甲烷总烃 (a24088)
CODES = {"COD": ("w00000", "w01018", "mg/L"), "NH3N": ("w00000", "w21003", "mg/L"),
         "NOx": ("a00000", "a21002", "mg/m**3"), "VOCs": ("a00000", "a24088", "mg/m**3")}
MARK_FLAG = {"停产": "F", "检修": "M"}


def stored_readings(session: Session, mn: str, pollutant: str, start: dt.datetime, end: dt.datetime) -> list[Reading]:
    flow_code, code, _ = CODES[pollutant]
    rows = session.scalars(select(monitoring.Reading).where(
        monitoring.Reading.mn == mn, monitoring.Reading.cn == "2061",
        monitoring.Reading.code.in_((flow_code, code)),
        monitoring.Reading.data_time >= start, monitoring.Reading.data_time < end))
    by_time: dict[dt.datetime, dict[str, Any]] = {}
    for r in rows:
        by_time.setdefault(_utc(r.data_time), {})[r.code] = r
    source = session.scalars(select(monitoring.MonitoredSource).where(monitoring.MonitoredSource.mn == mn)).first()
    marks = [] if source is None else list(session.scalars(
        select(monitoring.OperatorMark).where(monitoring.OperatorMark.source_id == source.id)))
    result = []
    for moment, pair in sorted(by_time.items()):
        flow, conc = pair.get(flow_code), pair.get(code)
        flags = [x.flag or "N" for x in (flow, conc) if x is not None]
        flag = next((f for f in flags if f != "N"), "N") if flow is not None and conc is not None else "B"
        for mark in marks:
            if _utc(mark.start) <= moment < _utc(mark.end):
                flag = MARK_FLAG.get(mark.kind, flag)
        result.append(Reading(
            start=moment,
            volume_m3=None if flow is None or flow.cou is None else Decimal(repr(flow.cou)),
            concentration=None if conc is None or conc.avg is None else Decimal(repr(conc.avg)),
            flag=flag))
    return result


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes (stored as UTC); compare everything in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def verify_from_monitoring(
    session: Session, *, project_code: str, pollutant: str, mn: str,
    before: tuple[dt.datetime, dt.datetime], after: tuple[dt.datetime, dt.datetime],
    actor: str, annual_volume_m3: Decimal | None = None, rules: ValidDataRules | None = None,
) -> tuple[store.EmissionProjectVerification, Verification]:
    """Compute, compare with the latest approved claim, and record a submitted verification."""
    if pollutant not in CODES:
        raise EcerError("PROJECT_VERIFICATION_INVALID", f"污染物 {pollutant}", field="pollutant", value=pollutant)
    revision = next((r for r in store.latest_approved_projects(session) if r.code == project_code), None)
    if revision is None:
        raise EcerError("NOT_FOUND", f"已审核的减排工程 {project_code}")
    before = (_utc(before[0]), _utc(before[1]))
    after = (_utc(after[0]), _utc(after[1]))
    result = verify_reduction(
        pollutant, stored_readings(session, mn, pollutant, *before), stored_readings(session, mn, pollutant, *after),
        before_period=before, after_period=after, claimed_t=revision.claimed().get(pollutant),
        annual_volume_m3=annual_volume_m3, concentration_unit=CODES[pollutant][2], rules=rules)
    detail = {"mn": mn, "achieved_t": str(result.achieved_t), "claimed_t": str(result.claimed_t),
              "shortfall_share": None if result.shortfall_share is None else str(result.shortfall_share),
              "annual_volume_m3": str(result.annual_volume_m3), "needs_review": result.needs_review,
              "reasons": list(result.reasons),
              "periods": {name: {"start": s.start.isoformat(), "end": s.end.isoformat(), "expected": s.expected,
                                 "valid": s.valid, "shutdown": s.shutdown, "maintenance": s.maintenance,
                                 "invalid": s.invalid, "missing": s.missing,
                                 "mean_concentration": None if s.mean_concentration is None
                                 else str(s.mean_concentration),
                                 "spans": [[sp.kind_zh, sp.start.isoformat(), sp.end.isoformat()] for sp in s.spans]}
                          for name, s in (("before", result.before), ("after", result.after))}}
    row = store.add_verification(session, project_code=project_code, pollutant=pollutant,
                                 verified_t=max(result.achieved_t, Decimal(0)).quantize(Decimal("0.000001")),
                                 method="monitoring", actor=actor, evidence=f"在线监测 MN {mn}", detail=detail)
    return row, result
