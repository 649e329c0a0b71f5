"""Derived figures are cached per data version (ecer.services.derived_cache): a new revision or an
approval shows at once, also in another process; ``ecer serve --workers 2`` answers gzip-compressed.

The barometer after an approval is covered by tests/web/test_api.py::test_submit_then_approve_changes_the_barometer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx

from tests.web.conftest import login


def _unit(client, unit_id: int) -> dict:  # type: ignore[no-untyped-def]
    return next(r for r in client.get("/api/v1/units", params={"page_size": 500}).json()["items"]
                if r["id"] == unit_id)


def test_units_list_changes_after_a_report_is_approved_not_before(web_db):
    """Unit 3's December 2024 report is submitted again with every quantity doubled (written by another
    session, as the CLI or another worker would): the list keeps the approved figures until approval."""
    from sqlalchemy import select

    from ecer.storage.db import session_scope
    from ecer.storage.energy_reports import review
    from ecer.storage.key_units import EnergyReportLine, EnergyReportRevision

    client = login(web_db, "drc").client
    before = Decimal(str(_unit(client, 3)["energy_primary_tce"]))
    with session_scope(web_db) as session:
        old = session.scalars(select(EnergyReportRevision).where(
            EnergyReportRevision.unit_id == 3, EnergyReportRevision.year == 2024, EnergyReportRevision.month == 12,
            EnergyReportRevision.status == "approved")).one()
        new = EnergyReportRevision(unit_id=3, year=2024, month=12, status="submitted", source_file="test",
                                   created_by="test", content_hash="doubled")
        session.add(new)
        session.flush()
        for line in session.scalars(select(EnergyReportLine).where(EnergyReportLine.revision_id == old.id)):
            session.add(EnergyReportLine(revision_id=new.id, item=line.item, name=line.name, product=line.product,
                                         quantity=line.quantity * 2, unit=line.unit))
        new_id = new.id
    assert Decimal(str(_unit(client, 3)["energy_primary_tce"])) == before  # submitted only
    with session_scope(web_db) as session:
        review(session, new_id, "approve", "drc")
    after = Decimal(str(_unit(client, 3)["energy_primary_tce"]))
    assert after > before
    assert after == Decimal(str(client.get("/api/v1/units/3").json()["energy_primary_tce"]))  # uncached path


def test_serve_with_two_workers_answers_gzip(sqlite_web_db, tmp_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ECER_DATABASE_URL": sqlite_web_db}
    ecer = Path(sys.executable).with_name("ecer")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([ecer, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        page = httpx.get(f"http://127.0.0.1:{port}/login", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
        assert "登录" in page.text
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) >= 2  # the two workers
        states = [httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).json()["warm_up"]]
        deadline = time.monotonic() + 120
        while states[-10:] != ["done"] * 10 and time.monotonic() < deadline:  # both workers, in all likelihood
            assert states[-1] in ("running", "done")
            time.sleep(0.05)
            states.append(httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).json()["warm_up"])
        assert states[-10:] == ["done"] * 10, states[-10:]
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_warm_up_fills_the_figures_the_main_pages_read(sqlite_web_db):
    """What ``ecer serve`` computes as each worker starts is what the home page and the unit list then find."""
    from ecer.services import derived_cache
    from ecer.services.warmup import warm_up

    def names() -> set[str]:
        return {key[0] for key in derived_cache._cache if key[1][0] == sqlite_web_db}

    assert names() == set()
    warm_up(sqlite_web_db)
    warmed = names()
    assert {"barometer", "indicator_rows", "unit_rows", "budget_rows", "source_figures"} <= warmed
    before = dict(derived_cache._cache)
    viewer = login(sqlite_web_db, "drc")
    assert viewer.client.get("/").status_code == 200
    assert viewer.client.get("/api/v1/units").status_code == 200
    assert viewer.client.get("/api/v1/budgets").status_code == 200
    kept = {k: v for k, v in derived_cache._cache.items() if k in before}
    assert all(kept[k] is before[k] for k in kept) and len(kept) == len(before)  # found, not computed again


def test_a_busy_figure_survives_many_list_totals(sqlite_web_db):
    """The cache is bounded and drops the least recently used entry: list totals counted for hundreds of
    filter combinations must not push out a figure that every request reads (a full clear did)."""
    from ecer.services import derived_cache
    from ecer.storage.db import session_scope
    from ecer.storage.models import StatisticsRevision

    computed: list[int] = []

    def figure() -> object:
        computed.append(1)
        return object()

    with session_scope(sqlite_web_db) as session:
        first = derived_cache.cached(session, "busy_figure", (), (StatisticsRevision,), figure)
        for i in range(derived_cache.MAX_ENTRIES * 2):
            derived_cache.cached(session, "list_total", (i,), (StatisticsRevision,), lambda i=i: i)
            assert derived_cache.cached(session, "busy_figure", (), (StatisticsRevision,), figure) is first
    assert computed == [1]
    assert len(derived_cache._cache) <= derived_cache.MAX_ENTRIES
