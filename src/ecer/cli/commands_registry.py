"""Where each capability's command module is attached to the ``ecer`` app.

A module exposes ``register(app)``; adding a capability is one line here.
"""

from __future__ import annotations

import importlib

import typer

MODULES = [
    "ecer.cli.workbooks",   # ecer template KIND / ecer import KIND (groups other modules fill)
    "ecer.cli.setup",       # ecer init, ecer demo-data
    "ecer.cli.plan",        # ecer plan validate|show|load
    "ecer.cli.plan_store",  # ecer plan show|load (the database side of the plan)
    "ecer.cli.energy",      # ecer progress
    "ecer.cli.statistics",  # ecer template|import statistics, ecer statistics list|review
    "ecer.cli.indicators",  # ecer template|import indicators, ecer indicators
    "ecer.cli.emissions",   # ecer emissions projects|progress, ecer template|import emission-projects
    "ecer.cli.convert",
    "ecer.cli.hj212",       # ecer hj212 decode|encode|crc
    "ecer.cli.monitor",     # ecer monitor serve|sources|readings|alarms|marks|emissions|simulate, template|import sources
    "ecer.cli.lake",        # ecer lake gateway|write|aggregate (optional scale tier, ecer[scale])
    "ecer.cli.environment",  # ecer air aqi, ecer water classify
    "ecer.cli.environment_quality",  # ecer template|import stations|air-quality|water-quality, air|water evaluate, environment
    "ecer.cli.web",         # ecer serve
    "ecer.cli.users",       # ecer users create-admin|add|list|passwd, ecer audit verify|list
    "ecer.cli.key_units",   # ecer units, twohigh, budget, tokens; template|import units|energy-reports|two-high|budgets
    "ecer.cli.errors",      # ecer errors
    "ecer.cli.assessment",  # ecer assess [self|review|appeal|decide|publish|ranking]
    "ecer.cli.reports",     # ecer report situation|assessment
]


def register_all(app: typer.Typer) -> None:
    for name in MODULES:
        importlib.import_module(name).register(app)
