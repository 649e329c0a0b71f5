"""Revisioned statistics: add revisions, review them, read the latest approved figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecer.domain.energy.dual_control import EnergyStatistics
from ecer.domain.energy.periods import Period
from ecer.importers.statistics import NUMBER_FIELDS, StatisticsRow
from ecer.storage.models import ImportBatch, StatisticsRevision
from ecer.storage.review import review_row


def content_hash(row: StatisticsRow) -> str:
    values = {name: _text(getattr(row.statistics, name)) for name in NUMBER_FIELDS}
    values["vintage"] = row.vintage
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def add_revisions(
    session: Session,
    rows: Iterable[StatisticsRow],
    *,
    batch: ImportBatch,
    status: str,
    actor: str,
) -> int:
    """Add a revision for each row unless the latest one for its key is identical; returns how many."""
    added = 0
    for row in rows:
        stats = row.statistics
        digest = content_hash(row)
        latest = session.scalars(
            select(StatisticsRevision)
            .where(
                StatisticsRevision.region == stats.region,
                StatisticsRevision.year == stats.year,
                StatisticsRevision.period == stats.period.value,
            )
            .order_by(StatisticsRevision.id.desc())
            .limit(1)
        ).first()
        if latest is not None and latest.content_hash == digest and latest.status != "returned":
            continue
        session.add(_revision(batch, row, status, actor, digest))
        added += 1
    return added


def _revision(batch: ImportBatch, row: StatisticsRow, status: str, actor: str, digest: str) -> StatisticsRevision:
    stats = row.statistics
    revision = StatisticsRevision(
        region=stats.region, region_code=row.region_code, year=stats.year, period=stats.period.value,
        vintage=row.vintage, status=status, source_file=batch.source_file, source_row=row.source_row,
        created_by=actor, content_hash=digest, **{name: getattr(stats, name) for name in NUMBER_FIELDS},
    )
    revision.batch_id = batch.id
    if status == "approved":
        revision.reviewed_by = actor
        revision.reviewed_at = dt.datetime.now(dt.UTC)
    return revision


def review(session: Session, revision_id: int, action: str, actor: str, reason: str | None = None) -> StatisticsRevision:
    """Apply a review action (submit, approve, return) to one revision."""
    return review_row(session, StatisticsRevision, revision_id, "统计数据修订", action, actor, reason)


def latest_approved(session: Session, region: str | None = None) -> dict[str, dict[tuple[int, Period], EnergyStatistics]]:
    """Region → (year, period) → the latest approved figures."""
    latest = select(func.max(StatisticsRevision.id)).where(StatisticsRevision.status == "approved")
    if region is not None:
        latest = latest.where(StatisticsRevision.region == region)
    latest = latest.group_by(StatisticsRevision.region, StatisticsRevision.year, StatisticsRevision.period)
    query = select(StatisticsRevision).where(StatisticsRevision.id.in_(latest.scalar_subquery()))
    result: dict[str, dict[tuple[int, Period], EnergyStatistics]] = {}
    for rev in session.scalars(query.order_by(StatisticsRevision.id)):
        period = Period(rev.period)
        result.setdefault(rev.region, {})[(rev.year, period)] = to_statistics(rev)
    return result


def to_statistics(rev: StatisticsRevision) -> EnergyStatistics:
    return EnergyStatistics(
        region=rev.region, year=rev.year, period=Period(rev.period),
        gdp_100m_yuan=rev.gdp_100m_yuan, gdp_index=rev.gdp_index, energy_10k_tce=rev.energy_10k_tce,
        coal_10k_tce=rev.coal_10k_tce, nonfossil_10k_tce=rev.nonfossil_10k_tce,
        renewable_electricity_100m_kwh=rev.renewable_electricity_100m_kwh,
        feedstock_10k_tce=rev.feedstock_10k_tce or Decimal(0),
        listed_projects_10k_tce=rev.listed_projects_10k_tce or Decimal(0),
    )


def revisions(session: Session, region: str | None = None, year: int | None = None) -> list[StatisticsRevision]:
    query = select(StatisticsRevision)
    if region is not None:
        query = query.where(StatisticsRevision.region == region)
    if year is not None:
        query = query.where(StatisticsRevision.year == year)
    return list(session.scalars(query.order_by(StatisticsRevision.id)))
