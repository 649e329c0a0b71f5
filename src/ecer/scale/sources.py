"""The registry a gateway checks packets against: from the database, or from a CSV file.

In a provincial or national deployment the registry lives in the platform's PostgreSQL
(``monitoring_sources``, issue 3 §3); gateways read it at start and every ``reload`` seconds. A CSV
(``mn,pw,region[,accepted]``, accepted deviations separated by ``;``) lets a gateway run without a
database connection, e.g. in a DMZ.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ecer.domain.errors import EcerError
from ecer.scale.routing import SourceEntry


def sources_from_csv(path: Path) -> dict[str, SourceEntry]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    except OSError as exc:
        raise EcerError("SCALE_SOURCES_INVALID", str(exc), file=str(path)) from exc
    result: dict[str, SourceEntry] = {}
    for number, row in enumerate(rows, start=2):
        mn, pw, region = (row.get(k, "") or "" for k in ("mn", "pw", "region"))
        if not (mn.strip() and pw.strip() and region.strip()):
            raise EcerError("SCALE_SOURCES_INVALID", "mn、pw、region 不能为空", file=str(path), row=number)
        accepted = frozenset(c.strip() for c in (row.get("accepted") or "").split(";") if c.strip())
        result[mn.strip()] = SourceEntry(mn.strip(), pw.strip(), region.strip(), accepted)
    return result


def sources_from_database(url: str) -> dict[str, SourceEntry]:
    """Active rows of ``monitoring_sources`` (the monitoring capability's table)."""
    from sqlalchemy import select

    from ecer.storage.db import session_scope
    from ecer.storage.monitoring import MonitoredSource

    with session_scope(url) as session:
        rows = session.execute(select(MonitoredSource.mn, MonitoredSource.pw, MonitoredSource.region,
                                      MonitoredSource.accepted_deviations)
                               .where(MonitoredSource.active.is_(True))).all()
    return {mn: SourceEntry(mn, pw, region, frozenset(accepted or ())) for mn, pw, region, accepted in rows}
