"""Deterministic synthetic demo data (合成演示数据), imported through the normal importers.

``ecer demo-data`` runs every step listed here in order; a step is a module exposing
``import_demo(url: str, out: pathlib.Path) -> list[dict]`` (one summary dict per workbook, with keys
kind, file, rows_added). A capability adds its step with one line.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

DEMO_STEPS = [
    "ecer.demo.statistics",  # statistics workbook for every Annex 1 region
    "ecer.demo.indicators",  # reported values of some plan indicators
    "ecer.demo.emission_projects",  # key emission-reduction projects of every Annex 2 region
    "ecer.demo.environment",  # 4 air stations and 6 water sections with a year (2024) of data
    "ecer.demo.key_units",  # key energy-using units: registry, two years of reports, meters, two-high, budgets
    "ecer.demo.monitoring",  # six monitored sources and a week of hourly HJ 212 uploads
]


def import_all(url: str, out: Path) -> list[dict[str, Any]]:
    summary: list[dict[str, Any]] = []
    for name in DEMO_STEPS:
        summary.extend(importlib.import_module(name).import_demo(url, out))
    return summary
