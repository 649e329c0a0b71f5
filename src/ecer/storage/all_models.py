"""Every module that defines tables, so Alembic and the tests see the whole schema.

Each capability keeps its tables in its own module under ``ecer.storage`` (built on
``ecer.storage.models.Base``) and adds one line here.
"""

from __future__ import annotations

import importlib

from ecer.storage.models import Base

MODEL_MODULES = [
    "ecer.storage.models",  # plans, import batches, statistics revisions, indicator values, audit log
    "ecer.storage.users",  # users, web sessions, login attempts (web)
    "ecer.storage.uploads",  # web uploads between check and submission (web)
    "ecer.storage.monitoring",  # HJ 212 sources, marks, readings, quarantine, alarms, retention
    "ecer.storage.lake",  # scale tier: totals computed over the Parquet lake (lake_emission_totals)
    "ecer.storage.environment",  # stations and sections, air readings, water samples, env alarms
    "ecer.storage.emission_projects",  # key emission-reduction projects: revisions, verifications
    "ecer.storage.assessment",  # yearly assessments: scores, evidence, appeals, published snapshots
    "ecer.storage.key_units",  # key energy-using units: registry, reports, two-high, budgets, meters, api tokens
]

for _name in MODEL_MODULES:
    importlib.import_module(_name)

metadata = Base.metadata
