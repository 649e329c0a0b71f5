"""Run the accounting query with DuckDB over the lake's Parquet files (one machine: a province)."""

from __future__ import annotations

from collections.abc import Sequence

from ecer.scale import require
from ecer.scale.engines.accounting import DEFAULT_CODES, Total, accounting_sql, combine
from ecer.scale.lake.layout import year_glob


def aggregate(lake: str, year: int, codes: Sequence[str] = DEFAULT_CODES, *, threads: int | None = None,
              memory_limit: str | None = None, collapse_keys: bool = False) -> list[Total]:
    """DuckDB reads only the columns the query names, and only the year's month directories."""
    duckdb = require("duckdb")
    con = duckdb.connect(":memory:")
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute("SET memory_limit = ?", [memory_limit])
        pattern = year_glob(lake, year).replace("'", "''")
        relation = f"read_parquet('{pattern}', hive_partitioning = false)"
        return combine(con.execute(accounting_sql(year, codes, relation, collapse_keys=collapse_keys)).fetchall())
    finally:
        con.close()
