"""lake energy totals: metered energy by region, carrier and month computed over the lake

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 17:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ecer.storage.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lake_energy_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('carrier', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('amount', ecer.storage.types.ExactDecimal(), nullable=False),
    sa.Column('tce', ecer.storage.types.ExactDecimal(), nullable=False),
    sa.Column('meters', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('readings', sa.Integer(), nullable=False),
    sa.Column('engine', sa.String(length=20), nullable=False),
    sa.Column('lake', sa.String(length=500), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lake_energy_totals')),
    sa.UniqueConstraint('year', 'month', 'region', 'carrier', name='uq_lake_energy_totals_key')
    )


def downgrade() -> None:
    op.drop_table('lake_energy_totals')
