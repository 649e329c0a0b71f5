"""HJ 212 ingestion hook for ambient stations: ST=22 (空气质量监测) and ST=21 (地表水质量监测).

``readings_from_packet`` turns a decoded packet (``ecer.protocol.hj212.codec.decode``) into the rows the
environment tables hold; ``ingest_packets`` stores them for the stations registered with the packets' MN.
The HJ 212 server calls ``ingest_packets`` in its writer's transaction for the 2061/2031 uploads of stations
that ``register_station`` made monitored sources, once they passed its checks (MN, PW, ST of the medium).

Only hourly (CN 2061) and daily (CN 2031) data count: real-time values (2011) are not averages the
validity rules apply to. A value whose ``-Flag`` is not ``N`` (HJ 212-2017 表8) is stored as invalid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.data import load_table
from ecer.domain.errors import EcerError
from ecer.protocol.hj212.codec import Packet
from ecer.protocol.hj212.cp import CST
from ecer.services import environment_alarms
from ecer.storage import environment_data as data

SYSTEM_OF: dict[str, str] = {"22": "air", "21": "water"}  # HJ 212-2017 表5 系统编码
HOURLY, DAILY = "2061", "2031"  # HJ 212-2017 表6: 上传污染物小时数据 / 日数据


@dataclass(frozen=True)
class HJ212AirRow:
    """An ``AirRow``-like row with a flag per pollutant."""

    station: str
    date: dt.date
    hour: int | None
    values: dict[str, Decimal | None]
    flags: dict[str, str]


@dataclass(frozen=True)
class HJ212WaterRow:
    section: str
    sampled_at: dt.datetime
    values: dict[str, Decimal]
    flags: dict[str, str]


@lru_cache(maxsize=1)
def parameter_map() -> dict[str, tuple[str, str, Decimal]]:
    """HJ 212 code → (medium, ECER column, factor to the ECER unit), from the data table."""
    table = load_table(standard="HJ 212-2017 ambient parameters")
    return {str(r["code"]): (str(r["medium"]), str(r["parameter"]), r["factor"]) for r in table.rows}  # type: ignore[misc]


def _value(item: Mapping[str, object], suffix: str, factor: Decimal) -> Decimal | None:
    raw = item.get(suffix)
    if raw is None or isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None
    return Decimal(repr(raw) if isinstance(raw, float) else str(raw)) * factor


def readings_from_packet(packet: Packet, station_code: str, medium: str) -> list[HJ212AirRow | HJ212WaterRow]:
    """The rows one packet carries for a station of ``medium`` (``air`` or ``water``).

    Parameters
    ----------
    packet : Packet
        A decoded packet without errors.
    station_code, medium : str
        The station registered with the packet's MN.

    Returns
    -------
    list
        Empty for a command other than 2061/2031. Air: one hourly row (2061; ``a05024-Avg`` as the hour's
        ozone) or daily row (2031; the day's ``a05024-Max`` as maximum 1-hour ozone, no 8-hour value).
        Water: one sample at ``DataTime``. Values are converted to μg/m³ (CO mg/m³) or mg/L.
    """
    if packet.cn not in (HOURLY, DAILY) or packet.data_time is None:
        return []
    if SYSTEM_OF.get(packet.st or "") != medium:
        raise EcerError("ENV_WRONG_MEDIUM", f"ST={packet.st}，站点 {station_code} 为 {medium}", field="ST")
    when = packet.data_time.astimezone(CST).replace(tzinfo=None)
    values: dict[str, Decimal | None] = {}
    flags: dict[str, str] = {}
    for code, item in packet.values.items():
        mapped = parameter_map().get(code)
        if mapped is None or mapped[0] != medium:
            continue
        _medium, column, factor = mapped
        if column == "O3":
            if packet.cn == HOURLY:
                column, value = "O3_1h", _value(item, "Avg", factor)
            else:
                column, value = "O3_1h", _value(item, "Max", factor)
        else:
            value = _value(item, "Avg", factor)
        if value is None:
            continue
        values[column] = value
        flag = str(item.get("Flag") or "N")
        if flag != "N":
            flags[column] = flag
    if not values:
        return []
    if medium == "water":
        return [HJ212WaterRow(station_code, when, {k: v for k, v in values.items() if v is not None}, flags)]
    hour = when.hour if packet.cn == HOURLY else None
    return [HJ212AirRow(station_code, when.date(), hour, values, flags)]


def ingest_packets(session: Session, packets: Iterable[Packet]) -> dict[str, Any]:
    """Store the ambient rows of ``packets``; unknown MNs are counted, not stored. Never commits.

    Returns counts (``rows_added``, ``rows_updated``, ``unknown_mn``, ``alarms_added``).
    """
    air: list[HJ212AirRow] = []
    water: list[HJ212WaterRow] = []
    unknown: list[str] = []
    by_mn = {s.mn: s for s in data.stations(session) if s.mn}  # one query per batch, not one per packet
    for packet in packets:
        if packet.st not in SYSTEM_OF or not packet.ok:
            continue
        station = by_mn.get(packet.mn or "")
        if station is None:
            unknown.append(packet.mn or "")
            continue
        for row in readings_from_packet(packet, station.code, station.medium):
            (air if isinstance(row, HJ212AirRow) else water).append(row)  # type: ignore[arg-type]
    a_added, a_updated = data.add_air_rows(session, air, batch_id=None, source="hj212", flags_of=lambda r: r.flags)
    w_added, w_updated = data.add_water_rows(session, water, batch_id=None, source="hj212",
                                             flags_of=lambda r: r.flags)
    dates = [r.date for r in air] + [r.sampled_at.date() for r in water]
    codes = {r.station for r in air} | {r.section for r in water}
    alarms = environment_alarms.scan(session, min(dates), max(dates), codes=codes) if dates else 0
    return {"rows_added": a_added + w_added, "rows_updated": a_updated + w_updated, "unknown_mn": unknown,
            "alarms_added": alarms}


STATION_KINDS: dict[str, str] = {"air": "air_station", "water": "water_section"}
"""Station medium → the monitored-source kind the HJ 212 server knows it by (``ecer.storage.monitoring``)."""


def register_station(url: str, code: str, *, pw: str, mn: str | None = None, actor: str) -> dict[str, Any]:
    """Register a station as a monitored source, so the HJ 212 server accepts its uploads.

    The source takes the station's MN (``mn`` sets or changes it), its region, and the ST of its medium
    (HJ 212-2017 表5: 22 air, 21 surface water); a second call updates it. An MN already registered
    for a pollution source is refused, never taken over.
    """
    from ecer.server.exchanges import AMBIENT_ST
    from ecer.storage.db import session_scope
    from ecer.storage.environment import EnvStation
    from ecer.storage.models import AuditEntry
    from ecer.storage.sources import SourceSpec, add_source, find_source

    with session_scope(url) as session:
        station = session.scalars(select(EnvStation).where(EnvStation.code == code)).first()
        if station is None:
            raise EcerError("ENV_UNKNOWN_STATION", code, field="code", value=code)
        mn = (mn or station.mn or "").strip()
        if not mn:
            raise EcerError("ENV_STATION_NO_MN", code, field="--mn")
        other = data.station_by_mn(session, mn)
        if other is not None and other.id != station.id:
            raise EcerError("ENV_DUPLICATE_STATION", f"MN {mn} 已属于站点 {other.code}", field="--mn", value=mn)
        kind = STATION_KINDS[station.medium]
        existing = find_source(session, mn)
        if existing is not None and existing.kind not in AMBIENT_ST:
            raise EcerError("MONITOR_SOURCE_EXISTS", f"{mn}（{existing.enterprise} {existing.outlet}）", field="--mn")
        old = find_source(session, station.mn) if station.mn and station.mn != mn else None
        if old is not None and old.kind in AMBIENT_ST:  # the station's previous data logger: no longer accepted
            old.active = False
        station.mn = mn
        spec = SourceSpec(mn=mn, pw=pw, enterprise=station.name, outlet=station.code, kind=kind,
                          region=station.region, st=AMBIENT_ST[kind])
        source, changed = add_source(session, spec, actor, replace=True)
        if changed:
            session.add(AuditEntry(actor=actor, action="environment.station.register", target=station.code,
                                   detail={"mn": mn, "kind": kind, "st": source.st}))
        return {"code": station.code, "name": station.name, "medium": station.medium, "region": station.region,
                "mn": mn, "kind": kind, "st": source.st, "changed": changed}
