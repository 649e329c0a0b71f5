"""Dual-control progress of every Annex 1 region from the latest approved statistics."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from ecer.domain.energy.dual_control import DualControlResult, account
from ecer.domain.energy.periods import Period
from ecer.domain.energy.targets import AccountingRules, RegionTargets
from ecer.storage import statistics
from ecer.storage.plans import active_plan


def accounting_rules(plan: Any) -> AccountingRules:
    meta = plan.metadata
    return AccountingRules(
        base_year=meta.base_year,
        target_year=meta.target_year,
        policy_rule_set=meta.policy_rule_set,
        renewables_in_intensity=meta.renewables_in_intensity,
        progress_path=meta.progress_path,
        barometer_rule=meta.barometer_rule,
    )


def region_targets(plan: Any, region: str) -> RegionTargets:
    target = plan.intensity_target(region)
    annual = {t.year: t.rate for t in getattr(plan, "annual_intensity_targets", []) if t.region == region}
    return RegionTargets(basic=target.basic, incentive=target.incentive, annual=annual)


@cache
def generation_coal_rate(year: int) -> Decimal | None:
    """The year's thermal power generation coal rate [gce/kWh] from the versioned data file."""
    from ecer.data import load_table

    try:
        return load_table(standard="thermal-generation-coal-rate").row(year)["rate"]  # type: ignore[return-value]
    except KeyError:
        return None


def barometer(session: Session, year: int, period: Period) -> list[DualControlResult]:
    """吉林市 (from its own statistics row) first, then Annex 1 order."""
    plan = active_plan(session)
    rules = accounting_rules(plan)
    stats = statistics.latest_approved(session)
    return [
        account(region.name, year, period, stats.get(region.name, {}), region_targets(plan, region.name), rules,
                generation_coal_rate)
        for region in plan.annex1_regions()
    ]


def has_demo_data(session: Session) -> bool:
    """Whether any approved figure came from ``ecer demo-data`` (shown as synthetic wherever used)."""
    from sqlalchemy import select

    from ecer.storage.models import ImportBatch, StatisticsRevision

    query = (select(StatisticsRevision.id).join(ImportBatch, ImportBatch.id == StatisticsRevision.batch_id)
             .where(ImportBatch.channel == "demo", StatisticsRevision.status == "approved").limit(1))
    return session.scalar(query) is not None
