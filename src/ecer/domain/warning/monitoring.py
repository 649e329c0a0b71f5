"""Alarm rules for online monitoring data: pure functions from readings to alarm episodes.

Rules (issue 3 §4):

- ``over_limit`` (超标): a value above the source's permitted concentration. Flue gas is judged on the
  O2-converted value (-ZsAvg / -ZsRtd) where the data logger sends one (HJ 212-2017 D.2.3), the
  measured value otherwise; wastewater on the measured value.
- ``missing_data`` (断线/缺数): no data for more than ``multiple`` × the expected interval.
- ``suspicious_constant``: the same value for at least ``hours`` hours.
- ``suspicious_flag_t``: values flagged T (超测上限, Table 8).
- ``suspicious_zero_flow``: a concentration reported while the flow is zero.
- ``suspicious_flat``: over at least ``hours`` hours the value never moves by more than the
  instrument's resolution (a stuck or simulated signal).
- ``permit_approaching``: the year's amount has reached ``share`` of the permitted annual amount.

Readings inside an operator's 停产/检修 mark are left out before any rule runs. Consecutive
findings of one rule merge into one episode with a start and an end (None while it lasts).
Levels: ``red`` for over-limit by more than 50 % and for the permit used up, ``yellow`` otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

RED_OVER_LIMIT: Final = 1.5  # value / limit above which an over-limit alarm is red (issue silent; documented)
DEFAULT_MISSING_MULTIPLE: Final = 3.0
DEFAULT_CONSTANT_HOURS: Final = 4.0
DEFAULT_PERMIT_SHARE: Final = 0.8


@dataclass(frozen=True)
class Sample:
    """One reading of one pollutant: measured value, O2-converted value, flag, flow at that time."""

    time: dt.datetime
    value: float | None
    zs_value: float | None = None
    flag: str | None = None
    flow: float | None = None


@dataclass(frozen=True)
class Finding:
    kind: str
    code: str
    level: str
    start: dt.datetime
    end: dt.datetime | None
    value: float | None = None
    threshold: float | None = None
    detail: str = ""


def excluding_marks(samples: Iterable[Sample], marks: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[Sample]:
    """Samples outside every 停产/检修 period (start inclusive, end exclusive)."""
    return [s for s in samples if not any(a <= s.time < b for a, b in marks)]


def _episodes(samples: Sequence[Sample], hit: Sequence[bool]) -> list[tuple[int, int]]:
    """Index ranges [i, j] of consecutive hits."""
    runs, start = [], None
    for i, flag in enumerate(hit):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(hit) - 1))
    return runs


def over_limit(samples: Sequence[Sample], code: str, limit: float, *, use_zs: bool) -> list[Finding]:
    """超标 episodes; each reports the highest value and ends at the first sample back within the limit."""
    def judged(s: Sample) -> float | None:
        return s.zs_value if use_zs and s.zs_value is not None else s.value

    values = [judged(s) for s in samples]
    hits = [v is not None and v > limit for v in values]
    findings = []
    for i, j in _episodes(samples, hits):
        peak = max(v for v in values[i:j + 1] if v is not None)
        end = samples[j + 1].time if j + 1 < len(samples) else None
        level = "red" if peak > limit * RED_OVER_LIMIT else "yellow"
        basis = "折算值" if use_zs else "实测值"
        findings.append(Finding("over_limit", code, level, samples[i].time, end, peak, limit,
                                f"{basis}最高 {peak:g}，限值 {limit:g}"))
    return findings


def missing_data(times: Sequence[dt.datetime], interval: dt.timedelta, now: dt.datetime, *,
                 multiple: float = DEFAULT_MISSING_MULTIPLE,
                 marks: Sequence[tuple[dt.datetime, dt.datetime]] = ()) -> list[Finding]:
    """断线/缺数: gaps longer than ``multiple`` × ``interval`` between data times (and up to ``now``)."""
    allowed = interval * multiple
    points = sorted(times)
    findings = []
    for before, after in zip(points, [*points[1:], None], strict=True):
        limit_end = now if after is None else after
        if limit_end - before > allowed:
            gap_start = before + interval
            if any(a <= gap_start and limit_end <= b for a, b in marks):
                continue
            findings.append(Finding("missing_data", "", "yellow", gap_start, after,
                                    (limit_end - before).total_seconds() / 3600, allowed.total_seconds() / 3600,
                                    f"{(limit_end - before).total_seconds() / 3600:.1f} 小时无数据"))
    return findings


def suspicious_constant(samples: Sequence[Sample], code: str, *, hours: float = DEFAULT_CONSTANT_HOURS,
                        resolution: float = 0.0, kind: str = "suspicious_constant") -> list[Finding]:
    """The value stays within ``resolution`` of where a run began for at least ``hours``."""
    findings: list[Finding] = []
    i = 0
    valued = [s for s in samples if s.value is not None]
    while i < len(valued):
        j = i
        low = high = valued[i].value
        assert low is not None and high is not None
        while j + 1 < len(valued):
            v = valued[j + 1].value
            assert v is not None
            if max(high, v) - min(low, v) > resolution:
                break
            low, high = min(low, v), max(high, v)
            j += 1
        span = valued[j].time - valued[i].time
        if span >= dt.timedelta(hours=hours):
            end = valued[j + 1].time if j + 1 < len(valued) else None
            what = "数值不变" if resolution == 0 else f"波动不超过分辨率 {resolution:g}"
            findings.append(Finding(kind, code, "yellow", valued[i].time, end, low, hours,
                                    f"{span.total_seconds() / 3600:.1f} 小时{what}"))
        i = j + 1
    return findings


def suspicious_flat(samples: Sequence[Sample], code: str, resolution: float, *,
                    hours: float = DEFAULT_CONSTANT_HOURS) -> list[Finding]:
    """Never varies by more than the instrument's resolution for ``hours``."""
    return suspicious_constant(samples, code, hours=hours, resolution=resolution, kind="suspicious_flat")


def suspicious_flag_t(samples: Sequence[Sample], code: str) -> list[Finding]:
    """Values flagged T (超测上限, Table 8)."""
    hits = [s.flag == "T" for s in samples]
    return [Finding("suspicious_flag_t", code, "yellow", samples[i].time,
                    samples[j + 1].time if j + 1 < len(samples) else None, samples[i].value, None, "数据标记 T（超测上限）")
            for i, j in _episodes(samples, hits)]


def suspicious_zero_flow(samples: Sequence[Sample], code: str) -> list[Finding]:
    """A positive concentration while the flow at the same time is zero."""
    hits = [s.flow is not None and s.flow == 0 and (s.value or 0) > 0 for s in samples]
    return [Finding("suspicious_zero_flow", code, "yellow", samples[i].time,
                    samples[j + 1].time if j + 1 < len(samples) else None, samples[i].value, 0.0, "流量为零但浓度不为零")
            for i, j in _episodes(samples, hits)]


def permit_approaching(code: str, year_to_date_t: float, permit_t: float, start: dt.datetime, *,
                       share: float = DEFAULT_PERMIT_SHARE) -> list[Finding]:
    """The year's amount has reached ``share`` of the permit (red when the permit is used up)."""
    if permit_t <= 0 or year_to_date_t < permit_t * share:
        return []
    level = "red" if year_to_date_t >= permit_t else "yellow"
    return [Finding("permit_approaching", code, level, start, None, year_to_date_t, permit_t,
                    f"已排放 {year_to_date_t:.3f} 吨，占许可排放量 {year_to_date_t / permit_t:.1%}")]
