"""Figures derived from stored data, computed once per data version in each process.

The web shows the same derived figures (a key unit's year, the barometer) to every user until the data
behind them changes, and computing them is slow (unit conversions of every report line). A figure is
kept under a *data version*: the row count, highest id and latest review time of the tables it reads,
and the highest audit entry of a data change (imports, reviews, plan loads — logins and user changes
excluded). An import or an approval changes the version, in any process (CLI, other uvicorn workers),
so the next request recomputes; nothing is invalidated by hand. Each process holds its own copy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import event, func, not_, or_, select
from sqlalchemy.orm import Session

from ecer.storage.models import AuditEntry

T = TypeVar("T")
NOT_DATA_ACTIONS = ("login%", "logout%", "user.%", "tokens.%", "upload.%")  # audited, but change no figure
MAX_ENTRIES = 256  # figures of every kind, list totals by filter included; least recently used dropped first

_cache: dict[tuple[Hashable, ...], Any] = {}
_locks: dict[Hashable, Lock] = {}
_guard = Lock()
_MISSING = object()


CHANGE_TIMES = ("reviewed_at", "handled_at", "updated_at", "loaded_at")  # set when a row changes in place


def until_data_changes(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once in this session until it flushes or its transaction ends (then the data
    may differ): for what one request asks several times."""
    memo = session.info.setdefault("memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def data_version(session: Session, *models: Any, count: bool = True) -> tuple[Any, ...]:
    """One query: the last data-changing audit entry and, per model, max id, the latest change time
    (``CHANGE_TIMES``: a review changes a status without adding a row) and, unless ``count`` is false
    (tables of millions of readings, only appended to), the row count."""
    return until_data_changes(session, ("data_version", models, count), lambda: _version(session, models, count))


def _version(session: Session, models: tuple[Any, ...], count: bool) -> tuple[Any, ...]:
    statement = _statements.get((models, count))
    if statement is None:  # built once: building it cost four times its execution
        # the newest data-changing entry, read backwards from the newest (max() with a filter would
        # read the whole log, which grows with every login)
        columns: list[Any] = [select(AuditEntry.id).where(
            not_(or_(*[AuditEntry.action.like(p) for p in NOT_DATA_ACTIONS])))
            .order_by(AuditEntry.id.desc()).limit(1).scalar_subquery()]
        for model in models:
            columns.append(select(func.max(model.id)).scalar_subquery())
            if count:
                columns.append(select(func.count(model.id)).scalar_subquery())
            columns += [select(func.max(getattr(model, c))).scalar_subquery()
                        for c in CHANGE_TIMES if hasattr(model, c)]
        statement = _statements[(models, count)] = select(*columns)
    return tuple(session.execute(statement).one())


_statements: dict[tuple[tuple[Any, ...], bool], Any] = {}


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, *_: Any) -> None:
    """After a flush or in a new transaction the data may differ: the next question asks the database."""
    session.info.pop("memo", None)


def cached(session: Session, name: str, args: tuple[Hashable, ...], models: tuple[Any, ...],
           compute: Callable[[], T], *, count: bool = True) -> T:
    """``compute()`` once per (name, args, data version of ``models``); concurrent callers of the same
    key wait for the first one instead of computing it again. Treat the result as read-only."""
    key = (name, (str(session.get_bind().url), *args), data_version(session, *models, count=count))
    found = _cache.get(key, _MISSING)
    if found is not _MISSING:
        with _guard:  # least recently used first: a hit moves to the end
            if _cache.pop(key, _MISSING) is not _MISSING:
                _cache[key] = found
        return found  # type: ignore[no-any-return]
    with _guard:
        lock = _locks.setdefault(key[:2], Lock())
    with lock:
        found = _cache.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        value = compute()
        with _guard:
            for old in [k for k in _cache if k[:2] == key[:2]]:
                del _cache[old]  # older versions of this figure
            while len(_cache) >= MAX_ENTRIES:  # the least recently used goes, not everything: a list's
                del _cache[next(iter(_cache))]  # totals by filter must not push out the barometer
            _cache[key] = value
    return value
