"""Batched, idempotent writes of readings and quarantined packets: one transaction per batch.

The server calls ``BatchWriter.write`` from one writer thread; when it returns, everything in the
batch is committed and may be acknowledged. Rows go through the DB-API ``executemany`` with
``INSERT … ON CONFLICT DO NOTHING`` (SQLite ``INSERT OR IGNORE``), so a re-sent packet or a
back-fill of data already held is stored once, and no ORM object is built per reading. On PostgreSQL
the rows go in with COPY into a temporary staging table and one ``INSERT … SELECT … ON CONFLICT``.

A batch holding ambient stations' hourly or daily uploads also takes a ``derive`` function: it runs
with an ORM ``Session`` on the same connection, after the raw inserts and before the one commit, so
the station concentrations are on disk whenever the 9014 is sent. Batches without it stay raw DB-API.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecer.storage.db import engine_for, session_scope
from ecer.storage.monitoring import MonitoredSource, Reading

READING_COLUMNS = ("mn", "cn", "data_time", "code", "rtd", "min", "avg", "max", "cou", "zs_rtd", "zs_avg",
                   "flag", "extra", "qn", "received_at")
QUARANTINE_COLUMNS = ("received_at", "peer", "mn", "cn", "reason", "detail", "raw")
_UTC = dt.UTC
_log = logging.getLogger("ecer.monitor")
#: rows of one batch, emptied at commit; COPY into it is several times faster than executemany
_PG_STAGING = """CREATE TEMP TABLE IF NOT EXISTS ecer_readings_in (
    mn varchar(64), cn varchar(4), data_time timestamptz, code varchar(16), rtd float8, min float8, avg float8,
    max float8, cou float8, zs_rtd float8, zs_avg float8, flag varchar(4), extra json, qn varchar(20),
    received_at timestamptz) ON COMMIT DELETE ROWS"""


def _sqlite_time(value: dt.datetime) -> str:
    """SQLAlchemy's SQLite DateTime text, in UTC (how the ORM reads it back)."""
    value = value.astimezone(_UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond:06d}"


class BatchWriter:
    """Prepared statements for one database; ``write`` commits one batch."""

    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        self.sqlite = self.engine.dialect.name == "sqlite"
        cols = ", ".join(f'"{c}"' for c in READING_COLUMNS)
        qcols = ", ".join(QUARANTINE_COLUMNS)
        if self.sqlite:
            marks = ", ".join("?" * len(READING_COLUMNS))
            self.reading_sql = f"INSERT OR IGNORE INTO monitoring_readings ({cols}) VALUES ({marks})"
            self.quarantine_sql = (f"INSERT INTO monitoring_quarantine ({qcols}) "
                                   f"VALUES ({', '.join('?' * len(QUARANTINE_COLUMNS))})")
        else:
            marks = ", ".join(["%s"] * len(READING_COLUMNS))
            self.reading_sql = (f"INSERT INTO monitoring_readings ({cols}) VALUES ({marks}) "
                                "ON CONFLICT ON CONSTRAINT uq_monitoring_readings_key DO NOTHING")
            self.reading_from_staging = (f"INSERT INTO monitoring_readings ({cols}) SELECT {cols} FROM ecer_readings_in "
                                         "ON CONFLICT ON CONSTRAINT uq_monitoring_readings_key DO NOTHING")
            self.quarantine_sql = (f"INSERT INTO monitoring_quarantine ({qcols}) "
                                   f"VALUES ({', '.join(['%s'] * len(QUARANTINE_COLUMNS))})")

    def _convert(self, rows: Sequence[Sequence[Any]], time_columns: tuple[int, ...]) -> list[tuple[Any, ...]]:
        if not self.sqlite:
            return [tuple(r) for r in rows]
        cache: dict[dt.datetime, str] = {}
        out = []
        for row in rows:
            items = list(row)
            for index in time_columns:
                value = items[index]
                if isinstance(value, dt.datetime):
                    text = cache.get(value)
                    if text is None:
                        text = cache[value] = _sqlite_time(value)
                    items[index] = text
            out.append(tuple(items))
        return out

    def _insert(self, cursor: Any, readings: Sequence[Sequence[Any]], quarantine: Sequence[Sequence[Any]]) -> None:
        if readings and self.sqlite:
            cursor.executemany(self.reading_sql, self._convert(readings, (2, 14)))
        elif readings:  # PostgreSQL: COPY into a session-local staging table, then one INSERT … SELECT
            cursor.execute(_PG_STAGING)
            with cursor.copy(f"COPY ecer_readings_in ({', '.join(READING_COLUMNS)}) FROM STDIN") as copy:
                for row in readings:
                    copy.write_row(row)
            cursor.execute(self.reading_from_staging)
        if quarantine:
            cursor.executemany(self.quarantine_sql, self._convert(quarantine, (0,)))
        cursor.close()

    def write(self, readings: Sequence[Sequence[Any]], quarantine: Sequence[Sequence[Any]] = (),
              derive: Callable[[Session], Any] | None = None) -> Any:
        """Insert both kinds of rows (and what ``derive`` adds) in one transaction; returns once committed.

        Returns what ``derive`` returned. Should ``derive`` fail, its changes are rolled back to a savepoint
        and logged, and the readings are still committed: the values stay in ``monitoring_readings``, and one
        bad station never holds up every source's acknowledgements.
        """
        if derive is not None:
            return self._write_deriving(readings, quarantine, derive)
        raw = self.engine.raw_connection()
        try:
            self._insert(raw.cursor(), readings, quarantine)
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()
        return None

    def _write_deriving(self, readings: Sequence[Sequence[Any]], quarantine: Sequence[Sequence[Any]],
                        derive: Callable[[Session], Any]) -> Any:
        result = None
        with self.engine.begin() as conn:  # commits on leaving the block, rolls back on an error
            self._insert(conn.connection.dbapi_connection.cursor(), readings, quarantine)  # type: ignore[union-attr]
            # the session's own SAVEPOINT: committing it keeps the rows for the outer commit below
            session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
            try:
                result = derive(session)
                session.commit()
            except Exception:
                session.rollback()
                _log.exception("environment rows of this batch not derived; the readings are stored")
            finally:
                session.close()
        return result


def registered_sources(url: str) -> list[MonitoredSource]:
    with session_scope(url) as session:
        return list(session.scalars(select(MonitoredSource).where(MonitoredSource.active.is_(True))))


def latest_times(url: str) -> dict[tuple[str, str], dt.datetime]:
    """(MN, CN) → newest DataTime stored, to detect gaps across restarts."""
    with session_scope(url) as session:
        query = select(Reading.mn, Reading.cn, func.max(Reading.data_time)).group_by(Reading.mn, Reading.cn)
        return {(mn, cn): as_utc(when) for mn, cn, when in session.execute(query) if when is not None}


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive UTC back; PostgreSQL aware values."""
    return value.replace(tzinfo=_UTC) if value.tzinfo is None else value
