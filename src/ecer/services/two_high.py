"""The two-high inventory with its computed columns: flags, efficiency class, handling, room effect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy import benchmarks, two_high
from ecer.services.budgets import region_room
from ecer.storage.key_units import KeyUnit, TwoHighProject


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
        rooms[p.region] = region_room(session, p.region, year)
    effect = two_high.room_effect(p.energy_primary_tce, status, rooms[p.region])
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
        "exceeds_room": effect.exceeds_room,
    }
