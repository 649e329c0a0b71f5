"""Revisioned statistics on SQLite and PostgreSQL: import, re-import, review, latest approved."""

from decimal import Decimal

from sqlalchemy import func, select

from ecer.domain.energy.periods import Period
from ecer.storage.db import current_revision, engine_for, head_revision, session_scope
from ecer.storage.models import ImportBatch, StatisticsRevision
from ecer.storage.statistics import latest_approved, review
from tests.conftest import run_cli
from tests.storage.conftest import write_csv


def count(url):
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(StatisticsRevision))


def test_init_runs_migrations_and_loads_plan_once(database_url):
    env = {"ECER_DATABASE_URL": database_url}
    first = run_cli("init", "--json", env=env)
    assert first.exit_code == 0, first.stderr
    assert first.json()[0]["plan_id"] == "jilin-2021-2025" and first.json()[0]["plan_loaded"] is True
    assert current_revision(database_url) == head_revision()
    second = run_cli("init", "--json", env=env)
    assert second.json()[0]["plan_loaded"] is False  # never overwrites a loaded plan


def test_commands_refuse_an_uninitialised_database(database_url):
    result = run_cli("progress", "--year", "2024", "--json", env={"ECER_DATABASE_URL": database_url})
    assert result.exit_code == 2
    assert result.json()[0]["code"] == "DB_NOT_INITIALISED"
    assert "请先运行 ecer init" in result.json()[0]["message"]


def test_import_reimport_and_revision(db, tmp_path):
    env = {"ECER_DATABASE_URL": db}
    path = write_csv(tmp_path / "s.csv", ["永吉县,2020,全年,96.3,102.4,78.5", "永吉县,2021,全年,101.2,105.1,79.0"])
    first = run_cli("import", "statistics", str(path), "--json", env=env)
    assert first.exit_code == 0, first.stdout + first.stderr
    assert first.json()[0]["rows_added"] == 2
    again = run_cli("import", "statistics", str(path), "--json", env=env)
    assert again.json()[0]["rows_added"] == 0  # identical re-import adds nothing
    assert count(db) == 2
    write_csv(path, ["永吉县,2021,全年,101.2,105.1,80.5"])
    changed = run_cli("import", "statistics", str(path), "--vintage", "初步核实", "--json", env=env)
    assert changed.json()[0]["rows_added"] == 1
    assert count(db) == 3  # the old revision is kept
    with session_scope(db) as s:
        latest = latest_approved(s, "永吉县")["永吉县"]
        assert latest[(2021, Period.YEAR)].energy_10k_tce == Decimal("80.5")
        batches = s.scalars(select(ImportBatch)).all()
        assert [b.channel for b in batches] == ["cli"] * 3


def test_latest_approved_ignores_pending_and_review_flow(db, tmp_path):
    write_csv(tmp_path / "s.csv", ["永吉县,2020,全年,96.3,102.4,78.5"])
    run_cli("import", "statistics", str(tmp_path / "s.csv"), env={"ECER_DATABASE_URL": db})
    with session_scope(db) as s:
        approved = s.scalars(select(StatisticsRevision)).one()
        pending = StatisticsRevision(
            region="永吉县", region_code="220221", year=2020, period="全年", vintage="初步核实", status="submitted",
            source_file="web.xlsx", created_by="district", content_hash="x", gdp_100m_yuan=Decimal(1),
            gdp_index=Decimal(100), energy_10k_tce=Decimal(999))
        s.add(pending)
        s.flush()
        pending_id = pending.id
    with session_scope(db) as s:
        stats = latest_approved(s)["永吉县"]
        assert stats[(2020, Period.YEAR)].energy_10k_tce == Decimal("78.5")
    env = {"ECER_DATABASE_URL": db}
    refused = run_cli("statistics", "review", str(pending_id), "return", "--json", env=env)
    assert refused.exit_code == 1 and refused.json()[0]["code"] == "REVIEW_REASON_REQUIRED"
    ok = run_cli("statistics", "review", str(pending_id), "approve", "--json", env=env)
    assert ok.json()[0]["status"] == "approved"
    with session_scope(db) as s:
        assert latest_approved(s)["永吉县"][(2020, Period.YEAR)].energy_10k_tce == Decimal(999)
        bad = run_cli("statistics", "review", str(approved.id), "approve", "--json", env=env)
        assert bad.exit_code == 2 and bad.json()[0]["code"] == "REVIEW_BAD_TRANSITION"
        assert review.__name__ == "review"


def test_decimals_are_exact_on_both_databases(db, tmp_path):
    write_csv(tmp_path / "s.csv", ["永吉县,2020,全年,96.31,102.4,0.1"])
    run_cli("import", "statistics", str(tmp_path / "s.csv"), env={"ECER_DATABASE_URL": db})
    with session_scope(db) as s:
        rev = s.scalars(select(StatisticsRevision)).one()
        assert rev.gdp_100m_yuan == Decimal("96.31") and str(rev.energy_10k_tce) == "0.1"


def test_models_match_migrations(db):
    """alembic check: the migrations produce exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ecer.storage.all_models import metadata

    with engine_for(db).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert diff == []


def test_migrations_form_one_chain():
    """Engineers add migrations side by side: a second head would leave databases half-migrated."""
    from alembic.script import ScriptDirectory

    from ecer.storage.db import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1
