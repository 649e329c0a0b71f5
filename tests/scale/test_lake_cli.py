"""``ecer lake write`` and ``ecer lake aggregate`` end to end; the extra's absence is reported."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import run_cli
from tests.scale.conftest import need_module
from tests.scale.helpers import outlets, records


def _fill(url: str, n_outlets: int = 6, hours: int = 8) -> int:
    from ecer.scale.log.jetstream import JetStreamLog

    async def main() -> int:
        log = await JetStreamLog.connect(url)
        recs = records(outlets(n_outlets), hours)
        for i, r in enumerate(recs):
            await log.publish(r.subject, r.data, f"id{i}")
        await log.close()
        return len(recs)

    return asyncio.run(main())


def test_write_then_aggregate_into_database(nats_url: str, tmp_path: Path) -> None:
    need_module("duckdb")
    n = _fill(nats_url)
    lake = tmp_path / "lake"
    written = run_cli("lake", "write", "--log", nats_url, "--to", str(lake), "--drain", "1", "--json")
    assert written.exit_code == 0, written.stderr
    assert written.json()[0]["records"] == n
    url = f"sqlite:///{tmp_path / 'ecer.sqlite3'}"
    env = {"ECER_DATABASE_URL": url}
    assert run_cli("init", "--json", env=env).exit_code == 0
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", str(lake), "--json",
                     env=env)
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert set(rows[0]) == {"year", "month", "region", "code", "mass_kg", "volume_m3", "readings", "outlets"}
    assert all(isinstance(r["readings"], int) for r in rows)

    from ecer.storage.db import session_scope
    from ecer.storage.lake import totals_for

    with session_scope(url) as session:
        stored = totals_for(session, 2024)
    assert len(stored) == len(rows) and {s.engine for s in stored} == {"duckdb"}
    again = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", str(lake), "--json",
                    env=env)
    assert again.json() == rows  # a re-run replaces the year: same rows


def test_unknown_engine_is_input_error(tmp_path: Path) -> None:
    result = run_cli("lake", "aggregate", "--engine", "hive", "--year", "2024", "--lake", str(tmp_path), "--no-store")
    assert result.exit_code == 1 and "SCALE_ENGINE_UNKNOWN" in result.stderr


def test_empty_lake_is_input_error(tmp_path: Path) -> None:
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", str(tmp_path), "--no-store")
    assert result.exit_code == 1 and "SCALE_LAKE_EMPTY" in result.stderr


def test_bad_log_url_is_input_error(tmp_path: Path) -> None:
    result = run_cli("lake", "write", "--log", "http://x", "--to", str(tmp_path), "--drain", "1")
    assert result.exit_code == 1 and "SCALE_LOG_URL_INVALID" in result.stderr


def test_missing_extra_is_reported(monkeypatch) -> None:
    import sys

    from ecer.domain.errors import EcerError
    from ecer.scale import require

    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    try:
        require("duckdb")
    except EcerError as exc:
        assert exc.code == "SCALE_EXTRA_MISSING"
    else:
        raise AssertionError("no error without duckdb")
