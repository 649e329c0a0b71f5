"""Run the accounting query with DuckDB over the lake's Parquet files (one machine: a province).

DuckDB runs the decimal plan: its DECIMAL sums are native 128-bit integers (1.9 s for 3·10⁷ readings
here against 2.9 s for the integer plan that Spark runs). An ``s3://`` lake is read through a pyarrow
dataset (``lake.s3``), not DuckDB's ``httpfs`` extension, which it would download at first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecer.domain.errors import EcerError
from ecer.scale import require
from ecer.scale.engines.accounting import (
    DEFAULT_CODES,
    MARK_COLUMNS,
    MARKS_RELATION,
    Mark,
    Total,
    accounting_sql,
    combine,
    marks_in,
    unmarked,
)
from ecer.scale.engines.energy import EnergyTotal, energy_sql
from ecer.scale.engines.energy import combine as combine_energy
from ecer.scale.lake import s3
from ecer.scale.lake.layout import year_glob
from ecer.scale.lake.meter_writer import year_glob as meter_glob


def aggregate(lake: str, year: int, codes: Sequence[str] = DEFAULT_CODES, *, threads: int | None = None,
              memory_limit: str | None = None, collapse_keys: bool = False, marks: Sequence[Mark] = ()) -> list[Total]:
    """DuckDB reads only the columns the query names, and only the year's month directories;
    ``marks``: operators' 停产/检修 periods, whose hours do not count."""
    duckdb = require("duckdb")
    con = duckdb.connect(":memory:")
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute("SET memory_limit = ?", [memory_limit])
        relation = _relation(con, year_glob(lake, year))
        if relation is None:
            raise EcerError("SCALE_LAKE_EMPTY", f"{lake} {year}")
        if chosen := marks_in(marks, year):
            pa = require("pyarrow")
            values = ([m.mn for m in chosen], [m.start for m in chosen], [m.end for m in chosen])
            con.register(MARKS_RELATION, pa.table(dict(zip(MARK_COLUMNS, values, strict=True))))
            relation = unmarked(relation)
        return combine(con.execute(accounting_sql(year, codes, relation, collapse_keys=collapse_keys,
                                                    plan="decimal")).fetchall())
    finally:
        con.close()


def aggregate_energy(lake: str, year: int) -> list[EnergyTotal]:
    """Metered energy by region, carrier and month from the lake's meter files (``engines.energy``)."""
    duckdb = require("duckdb")
    con = duckdb.connect(":memory:")
    try:
        relation = _relation(con, meter_glob(lake, year))
        if relation is None:
            return []
        return combine_energy(con.execute(energy_sql(year, relation)).fetchall())
    finally:
        con.close()


def _relation(con: Any, pattern: str) -> str | None:
    """What the query reads: ``read_parquet`` of a local glob, or the matching ``s3://`` files as a
    registered pyarrow dataset (None when there are none)."""
    if not s3.is_s3(pattern):
        quoted = pattern.replace("'", "''")
        return f"read_parquet('{quoted}', hive_partitioning = false)"
    dataset = s3.dataset(pattern)
    if dataset is None:
        return None
    con.register("lake_files", dataset)
    return "lake_files"
