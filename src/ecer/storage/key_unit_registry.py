"""The registry of key units and their product lines: add or update from checked rows, look up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.domain.errors import EcerError
from ecer.importers.key_units import UnitRow
from ecer.storage.key_units import KeyUnit, KeyUnitProduct

UNIT_FIELDS = ("name", "industry_code", "industry_name", "region", "region_code", "energy_manager",
               "manager_phone", "declared_energy_tce")
PRODUCT_FIELDS = ("name_zh", "capacity", "capacity_unit", "new_large")


def save_units(session: Session, rows: list[UnitRow], *, actor: str, batch_id: int | None,
               allow_update: bool = True) -> int:
    """Add new units, update changed ones; returns how many units or products were added or changed."""
    changed = 0
    for row in rows:
        unit = session.scalars(select(KeyUnit).where(KeyUnit.credit_code == row.credit_code)).first()
        if unit is None:
            unit = KeyUnit(credit_code=row.credit_code, created_by=actor, batch_id=batch_id,
                           **{f: getattr(row, f) for f in UNIT_FIELDS})
            session.add(unit)
            session.flush()
            changed += 1
        elif not allow_update:
            raise EcerError("KEY_UNIT_EXISTS", row.credit_code, field="credit_code", value=row.credit_code)
        elif any(getattr(unit, f) != getattr(row, f) for f in UNIT_FIELDS):
            for f in UNIT_FIELDS:
                setattr(unit, f, getattr(row, f))
            changed += 1
        existing = {p.product: p for p in products_of(session, unit.id)}
        for p in row.products:
            record = existing.get(p.product)
            if record is None:
                session.add(KeyUnitProduct(unit_id=unit.id, product=p.product,
                                           **{f: getattr(p, f) for f in PRODUCT_FIELDS}))
                changed += 1
            elif any(getattr(record, f) != getattr(p, f) for f in PRODUCT_FIELDS):
                for f in PRODUCT_FIELDS:
                    setattr(record, f, getattr(p, f))
                changed += 1
    session.flush()
    return changed


def unit_by_code(session: Session, credit_code: str) -> KeyUnit:
    unit = session.scalars(select(KeyUnit).where(KeyUnit.credit_code == credit_code.strip().upper())).first()
    if unit is None:
        raise EcerError("KEY_UNIT_UNKNOWN", credit_code, field="credit_code", value=credit_code)
    return unit


def units(session: Session, region: str | None = None) -> list[KeyUnit]:
    query = select(KeyUnit).order_by(KeyUnit.region, KeyUnit.credit_code)
    if region is not None:
        query = query.where(KeyUnit.region == region)
    return list(session.scalars(query))


def known_codes(session: Session) -> dict[str, int]:
    return {u.credit_code: u.id for u in session.scalars(select(KeyUnit))}


def unit_regions(session: Session) -> dict[str, str]:
    return {u.credit_code: u.region for u in session.scalars(select(KeyUnit))}


def products_of(session: Session, unit_id: int) -> list[KeyUnitProduct]:
    query = select(KeyUnitProduct).where(KeyUnitProduct.unit_id == unit_id).order_by(KeyUnitProduct.id)
    return list(session.scalars(query))
