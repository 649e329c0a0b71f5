"""The two-high inventory with its computed columns: flags, efficiency class, handling, room effect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy import benchmarks, two_high
from ecer.domain.energy.periods import Period
from ecer.services.budgets import region_room
from ecer.storage.key_units import KeyUnit, TwoHighProject
from ecer.storage.statistics import latest_approved


def region_energy_tce(session: Session, region: str, year: int) -> Decimal | None:
    """The region's latest full-year energy before ``year`` (等价值, approved statistics) [tce]."""
    stats = latest_approved(session, region).get(region, {})
    years = sorted(y for (y, p) in stats if p is Period.YEAR and y < year and stats[(y, p)].energy_10k_tce)
    return stats[(years[-1], Period.YEAR)].energy_10k_tce * 10000 if years else None  # type: ignore[operator]


def project_row(session: Session, p: TwoHighProject, year: int, edition: int = benchmarks.DEFAULT_EDITION,
                rooms: dict[str, Any] | None = None) -> dict[str, Any]:
    status = two_high.Status(p.status)
    lvl = benchmarks.level(p.product, edition) if p.product else None
    efficiency = (benchmarks.classify(p.unit_consumption, lvl.benchmark, lvl.baseline)
                  if lvl is not None and p.unit_consumption is not None else None)
    handling = two_high.handling(status, efficiency)
    f = two_high.flags(p.energy_primary_tce)
    rooms = {} if rooms is None else rooms
    if p.region not in rooms:
        rooms[p.region] = (region_room(session, p.region, year), region_energy_tce(session, p.region, year))
    room, region_energy = rooms[p.region]
    effect = two_high.room_effect(p.energy_primary_tce, status, room)
    unit = session.get(KeyUnit, p.unit_id) if p.unit_id else None
    return {
        "id": p.id, "name": p.name, "credit_code": unit.credit_code if unit else None,
        "unit_name": unit.name if unit else None, "industry_code": p.industry_code,
        "industry_name": p.industry_name, "region": p.region, "status": p.status, "product": p.product,
        "capacity": p.capacity, "capacity_unit": p.capacity_unit, "unit_consumption": p.unit_consumption,
        "value_unit": lvl.value_unit if lvl else None, "benchmark": lvl.benchmark if lvl else None,
        "baseline": lvl.baseline if lvl else None,
        "efficiency_class": efficiency.value if efficiency else None,
        "energy_calorific_tce": p.energy_calorific_tce, "energy_primary_tce": p.energy_primary_tce,
        "over_10k_tce": f.over_10k_tce, "over_50k_tce": f.over_50k_tce, "coal_t": p.coal_t,
        "coal_replacement": p.coal_replacement, "replacement_source": p.replacement_source,
        "review_number": p.review_number, "review_date": p.review_date,
        "handling_class": handling.code, "handling_class_zh": handling.label_zh,
        "actions": p.actions or handling.actions_zh, "year": year,
        "region_room_tce": effect.room_before_tce, "room_claim_tce": effect.project_tce,
        "region_room_after_tce": effect.room_after_tce, "share_of_room": effect.share_of_room,
        "exceeds_room": effect.exceeds_room, "region_energy_tce": region_energy,
        # with the region's GDP unchanged, its energy intensity rises by the same fraction
        "intensity_effect": effect.project_tce / region_energy if region_energy else None,
    }
