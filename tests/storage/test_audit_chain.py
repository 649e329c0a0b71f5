"""The audit log is append-only and hash-chained: tampering with a row by SQL is detected."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ecer.storage.audit import GENESIS, chain_hash
from ecer.storage.db import engine_for, session_scope
from tests.conftest import run_cli


def _add(url: str, n: int) -> None:
    from ecer.storage import audit

    with session_scope(url) as s:
        for i in range(n):
            audit.record(s, "tester", "test.change", f"object-{i}", before={"v": i}, after={"v": i + 1})


def _drop_guards(url: str) -> None:
    """What an owner of the database could do: remove the append-only triggers."""
    with engine_for(url).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("drop trigger audit_log_no_change on audit_log"))
        else:
            conn.execute(sa.text("drop trigger audit_log_no_update"))
            conn.execute(sa.text("drop trigger audit_log_no_delete"))


def test_entries_chain_from_genesis(db):
    _add(db, 3)
    with engine_for(db).connect() as conn:
        rows = conn.execute(sa.text("select prev_hash, hash from audit_log order by id")).all()
    assert rows[0][0] == GENESIS
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))
    assert run_cli("audit", "verify", env={"ECER_DATABASE_URL": db}).exit_code == 0


def test_the_hash_covers_every_field():
    at = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    base = dict(at=at, actor="a", action="x", target="t", detail={"k": 1}, before=None, after={"s": "approved"},
                prev_hash=GENESIS)
    digest = chain_hash(**base)
    assert digest == chain_hash(**{**base, "at": at.replace(tzinfo=None)})  # SQLite gives naive UTC back
    for field, other in (("actor", "b"), ("target", "u"), ("detail", {"k": 2}), ("after", {"s": "returned"}),
                         ("prev_hash", "1" * 64), ("at", at + dt.timedelta(microseconds=1))):
        assert chain_hash(**{**base, field: other}) != digest, field


def test_update_and_delete_are_refused_by_the_database(db):
    _add(db, 1)
    with pytest.raises(sa.exc.DBAPIError), engine_for(db).begin() as conn:
        conn.execute(sa.text("update audit_log set actor = 'someone else'"))
    with pytest.raises(sa.exc.DBAPIError), engine_for(db).begin() as conn:
        conn.execute(sa.text("delete from audit_log"))


def test_editing_a_row_is_detected(db):
    _add(db, 4)
    _drop_guards(db)
    with engine_for(db).begin() as conn:
        target = conn.execute(sa.text("select id from audit_log order by id limit 1 offset 2")).scalar_one()
        conn.execute(sa.text("update audit_log set actor = 'mallory' where id = :id"), {"id": target})
    result = run_cli("audit", "verify", "--json", env={"ECER_DATABASE_URL": db})
    assert result.exit_code == 2
    [report] = result.json()
    assert report["ok"] is False and report["broken"] == [
        {"id": target, "problem": "hash", "detail": "记录内容与其哈希不符（记录被改动）"}]
    human = run_cli("audit", "verify", env={"ECER_DATABASE_URL": db})
    assert human.exit_code == 2 and "AUDIT_CHAIN_BROKEN" in human.stderr


def test_deleting_a_row_is_detected(db):
    _add(db, 4)
    _drop_guards(db)
    with engine_for(db).begin() as conn:
        target = conn.execute(sa.text("select id from audit_log order by id limit 1 offset 1")).scalar_one()
        conn.execute(sa.text("delete from audit_log where id = :id"), {"id": target})
    [report] = run_cli("audit", "verify", "--json", env={"ECER_DATABASE_URL": db}).json()
    assert [b["problem"] for b in report["broken"]] == ["prev_hash"]


def test_plain_audit_entries_are_sealed_too(db):
    """Code that adds an AuditEntry directly (imports, reviews) is chained by the flush hook."""
    from ecer.storage.models import AuditEntry

    with session_scope(db) as s:
        s.add(AuditEntry(actor="cli", action="import.statistics", target="x.xlsx", detail={"rows": 1}))
        s.add(AuditEntry(actor="cli", action="statistics.approve", target="1"))
    assert run_cli("audit", "verify", env={"ECER_DATABASE_URL": db}).exit_code == 0


def test_the_migration_chains_entries_written_before_it(database_url):
    """Databases from before the chain: 0004 hashes their entries in id order."""
    from alembic import command

    from ecer.storage.db import alembic_config

    config = alembic_config(database_url)
    with engine_for(database_url).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    with engine_for(database_url).begin() as conn:
        for i in range(3):
            conn.execute(sa.text("insert into audit_log (at, actor, action, target) values (:at, 'old', 'x', :t)"),
                         {"at": dt.datetime(2025, 1, 1, 0, 0, i, tzinfo=dt.UTC), "t": str(i)})
    with engine_for(database_url).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    [report] = run_cli("audit", "verify", "--json", env={"ECER_DATABASE_URL": database_url}).json()
    assert report == {"entries": 3, "ok": True, "broken": []}
