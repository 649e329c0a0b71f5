"""Energy budgets: set (add or replace) yearly budgets of regions, units and new projects."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecer.importers.budgets import BudgetRow
from ecer.storage.key_units import EnergyBudget


def save_budgets(session: Session, rows: list[BudgetRow], unit_ids: dict[str, int], *, actor: str,
                 batch_id: int | None) -> int:
    """Add or replace by key (year, scope, region, unit, project); returns how many changed."""
    changed = 0
    for row in rows:
        budget = session.scalars(select(EnergyBudget).where(EnergyBudget.key == row.key)).first()
        unit_id = unit_ids.get(row.credit_code) if row.credit_code else None
        if budget is None:
            session.add(EnergyBudget(key=row.key, year=row.year, scope=row.scope, region=row.region,
                                     unit_id=unit_id, project=row.project, budget_tce=row.budget_tce,
                                     note=row.note, batch_id=batch_id, created_by=actor))
            changed += 1
        elif budget.budget_tce != row.budget_tce or budget.note != row.note:
            budget.budget_tce, budget.note, budget.batch_id = row.budget_tce, row.note, batch_id
            changed += 1
    session.flush()
    return changed


def budgets(session: Session, year: int, scope: str | None = None, region: str | None = None) -> list[EnergyBudget]:
    query = select(EnergyBudget).where(EnergyBudget.year == year)
    if scope is not None:
        query = query.where(EnergyBudget.scope == scope)
    if region is not None:
        query = query.where(EnergyBudget.region == region)
    return list(session.scalars(query.order_by(EnergyBudget.scope, EnergyBudget.region, EnergyBudget.id)))


def unit_budget(session: Session, year: int, unit_id: int) -> EnergyBudget | None:
    query = select(EnergyBudget).where(EnergyBudget.year == year, EnergyBudget.scope == "unit",
                                       EnergyBudget.unit_id == unit_id)
    return session.scalars(query).first()
