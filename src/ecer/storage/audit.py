"""The append-only audit log, each entry chained to the one before it by SHA-256.

``hash = sha256(canonical JSON of (at, actor, action, target, detail, before, after, prev_hash))``
with ``prev_hash`` the previous entry's hash (64 zeros for the first). Editing, deleting or
inserting a row anywhere but at the end breaks the chain from that row on, which ``verify`` reports.

Entries are sealed in a ``before_flush`` hook (registered in ``ecer.storage.models``), so code that
adds an ``AuditEntry`` the plain way is chained too. The read of the last hash and the insert must
not interleave with another writer's: PostgreSQL takes a transaction-scoped advisory lock, SQLite
takes its write lock first with a no-op UPDATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from ecer.storage.models import AuditEntry, utcnow

GENESIS = "0" * 64
ADVISORY_LOCK_ID = 2022_0212  # any fixed number: one lock for the audit chain


def _plain(value: Any) -> Any:
    """The value as JSON will give it back (tuples become lists, Decimals and dates text)."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _utc_text(at: dt.datetime) -> str:
    # SQLite hands back naive datetimes: they were stored in UTC
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(*, at: dt.datetime, actor: str, action: str, target: str, detail: Any, before: Any, after: Any,
               prev_hash: str) -> str:
    body = {"at": _utc_text(at), "actor": actor, "action": action, "target": target, "detail": detail,
            "before": before, "after": after, "prev_hash": prev_hash}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _entry_hash(entry: AuditEntry, prev_hash: str) -> str:
    return chain_hash(at=entry.at, actor=entry.actor, action=entry.action, target=entry.target,
                      detail=entry.detail, before=entry.before, after=entry.after, prev_hash=prev_hash)


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("select pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
    else:
        session.execute(text("update audit_log set id = id where 0 = 1"))


def seal_pending(session: Session) -> None:
    """Give every new AuditEntry its time, previous hash and hash, in the order they were added."""
    pending = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order)
    with session.no_autoflush:
        _lock_chain(session)
        last = session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last or GENESIS
    for entry in pending:
        entry.at = entry.at or utcnow()
        entry.target = str(entry.target)
        entry.detail, entry.before, entry.after = _plain(entry.detail), _plain(entry.before), _plain(entry.after)
        entry.prev_hash = prev
        entry.hash = _entry_hash(entry, prev)
        prev = entry.hash


def record(session: Session, actor: str, action: str, target: object, *, detail: Any = None,
           before: Any = None, after: Any = None) -> AuditEntry:
    """Add one entry (sealed at the next flush)."""
    entry = AuditEntry(actor=actor, action=action, target=str(target), detail=detail, before=before, after=after)
    session.add(entry)
    return entry


@dataclass
class Verification:
    entries: int = 0
    broken: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def verify(session: Session, *, batch: int = 2000) -> Verification:
    """Recompute the chain from the first entry; report every entry whose link or hash is wrong."""
    result = Verification()
    prev = GENESIS
    last_id = 0
    while True:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return result
        for entry in rows:
            result.entries += 1
            if entry.prev_hash != prev:
                result.broken.append({"id": entry.id, "problem": "prev_hash",
                                      "detail": "与前一条记录的哈希不衔接（记录被删除、插入或改动）"})
            elif entry.hash != _entry_hash(entry, prev):
                result.broken.append({"id": entry.id, "problem": "hash",
                                      "detail": "记录内容与其哈希不符（记录被改动）"})
            prev = entry.hash or ""
            last_id = entry.id
