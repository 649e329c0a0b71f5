"""Engines, sessions and the schema's state (migrations run through Alembic, never create_all)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ecer.domain.errors import EcerError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Connections kept open per process, and no limit on more when a burst needs them: a limit made a
# busy web worker stop for the pool's 30 s timeout — FastAPI serialises a sync handler's answer on a
# request thread while the request's session still holds its connection, so requests waiting for a
# thread held every connection while the threads waited for a connection.
POOL_SIZE = 16
POOL_OVERFLOW = -1  # unlimited; connections beyond POOL_SIZE are closed when given back


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    from sqlalchemy.engine import make_url

    in_memory = make_url(url).database in (None, "", ":memory:")
    pool = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    engine = create_engine(url, future=True, **pool)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration (reading the scripts compiles every one of them: once per process)."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return heads[0]


def current_revision(url: str) -> str | None:
    with engine_for(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str) -> str:
    """Run the migrations to head; returns the schema revision."""
    config = alembic_config(url)
    with engine_for(url).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return head_revision()


def require_initialised(url: str) -> None:
    """Commands that need the database refuse to run on an empty or outdated one."""
    revision = None if _missing_sqlite_file(url) else current_revision(url)
    if revision is None:
        raise EcerError("DB_NOT_INITIALISED", f"({redact(url)})")
    if revision != head_revision():
        raise EcerError("DB_SCHEMA_OUTDATED", f"{revision} → {head_revision()}")


def _missing_sqlite_file(url: str) -> bool:
    """Checking must not create an empty database file as a side effect."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    return parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists()


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker[Session]:
    """One per database: each ``sessionmaker`` is a new Session class, and setting up a new class's event
    dispatch cost more than the rest of a small request."""
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str, *, check: bool = True) -> Iterator[Session]:
    """One unit of work: committed when the block succeeds, rolled back on any error."""
    if check:
        require_initialised(url)
    session = _session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
