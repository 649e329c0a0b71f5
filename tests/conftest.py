"""Shared fixtures: the CLI run in-process, and databases (SQLite always, PostgreSQL for real).

PostgreSQL: ``ECER_TEST_PG_URL`` (default: the server at 127.0.0.1:5432, trust auth). Each test
session creates a fresh database and drops it at the end. With ``CI=true`` an unreachable server
fails the run; elsewhere the PostgreSQL tests skip and say what is missing.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

PG_ADMIN_URL = os.environ.get("ECER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """Run ``ecer ARGS`` in this process, the way the console script does."""
    from ecer.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main([str(a) for a in args])
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def _pg_available() -> str | None:
    """None when the server answers, else why not."""
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means "not available"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}: {str(exc)[:200]}"
    return None


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session; its URL."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {problem}")
        pytest.skip(problem)
    import sqlalchemy as sa

    name = f"ecer_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'create database "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


@pytest.fixture
def fresh_pg_url(pg_server_url: str) -> Iterator[str]:
    """A PostgreSQL database emptied for one test (its schema dropped and recreated)."""
    import sqlalchemy as sa

    from ecer.storage.db import engine_for

    engine_for(pg_server_url).dispose()  # the previous test's pooled connections
    engine = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        # A connection the previous test left open (a server thread still stopping) would hold locks
        # that make the drop wait: end it first.
        conn.execute(sa.text("select pg_terminate_backend(pid) from pg_stat_activity "
                             "where datname = current_database() and pid <> pg_backend_pid()"))
        conn.execute(sa.text("drop schema public cascade"))
        conn.execute(sa.text("create schema public"))
    engine.dispose()
    yield pg_server_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """Each storage test runs on both SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ecer.sqlite3'}"
    return request.getfixturevalue("fresh_pg_url")
