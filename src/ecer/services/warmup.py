"""Compute the derived figures the main pages show when a web worker starts.

Derived figures are cached per process and data version (``derived_cache``); without this, the first
visitor of every new worker waits while every key unit's year is worked out (seconds on a large city).
"""

from __future__ import annotations

import logging
import time

from ecer.domain.energy.periods import Period
from ecer.storage.db import session_scope

log = logging.getLogger("ecer.web")


def warm_up(url: str) -> float:
    """Fill this process's cache for the home page, key units, budgets and monitoring; seconds taken."""
    from ecer.services import dashboard, key_unit_views, monitoring_view

    started = time.perf_counter()
    with session_scope(url) as session:
        plan = dashboard.current_plan(session)
        dashboard.barometer(session, dashboard.latest_year(session, plan), Period.YEAR)
        dashboard.indicator_rows(session)
        year = key_unit_views.report_year(session)
        key_unit_views.all_unit_rows(session, year)
        key_unit_views.all_budget_rows(session, year or plan.metadata.target_year, None)
        monitoring_view.cached_source_figures(session)
    seconds = time.perf_counter() - started
    log.info("derived figures ready in %.1f s", seconds)
    return seconds
