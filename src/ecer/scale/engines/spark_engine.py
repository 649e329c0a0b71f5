"""Run the accounting query with Spark SQL: local mode, or a standalone cluster (the nation).

``master`` is ``local[N]`` or ``spark://host:7077``. Only SQL runs, no Python UDF, so executors
need no Python. The lake path must be readable by every executor (the same mount, or s3a://).
Partition discovery is off (``recursiveFileLookup``): month and region are columns in the files.

The keyed plan (the default) reads with a declared schema that includes the lake's integer key
columns (``ecer.scale.lake.rows.KEY_COLUMNS``): a file written before them reads as NULL there, and
its rows are summed by the strings (``engines.accounting``), so any mix of files gives exact totals.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

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


@contextmanager
def session(master: str = "local[*]", *, app: str = "ecer-lake", conf: dict[str, str] | None = None,
            shuffle_partitions: int = 4) -> Iterator[Any]:
    """A SparkSession with the settings the accounting relies on; stopped on exit."""
    sql = require("pyspark.sql")
    host = os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (sql.SparkSession.builder.master(master).appName(app)
               .config("spark.driver.host", host)  # executors call back here (not "localhost", which may be ::1)
               .config("spark.driver.bindAddress", host)
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.ansi.enabled", "true")
               # small shuffles (≤ regions × months × codes × outlets groups): few partitions, and
               # adaptive execution coalesces them further
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
               .config("spark.sql.adaptive.enabled", "true")
               .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
               .config("spark.sql.files.maxPartitionBytes", str(128 << 20))
               # the per-outlet aggregation holds ~10⁵ groups per task (outlets × codes × months of
               # the files in a split); past the fast hash map's default 2¹⁶ slots the rest goes to
               # the slower generic map. 2²⁰ slots (4 MB of buckets per task) saved 0.6–3.5 s of JVM CPU
               # on 3·10⁷ readings (docs/deployment-scale.md, Spark accounting)
               .config("spark.sql.codegen.aggregate.fastHashMap.capacityBit", "20"))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()


#: What the keyed plan reads (declared, so files without the key columns read NULL there).
KEYED_SCHEMA = ("seq BIGINT, mn STRING, region STRING, month STRING, cn STRING, code STRING, avg DOUBLE, "
                "cou DOUBLE, flag STRING, flow_avg DOUBLE, flow_cou DOUBLE, mn_hi BIGINT, mn_lo BIGINT, "
                "code_id BIGINT, month_id INT, cn_id BIGINT, flag_id BIGINT")


def aggregate_with(spark: Any, lake: str, year: int, codes: Sequence[str] = DEFAULT_CODES, *,
                   collapse_keys: bool = False, plan: str = "keyed", marks: Sequence[Mark] = ()) -> list[Total]:
    """The totals. The keyed plan (default) groups by the lake's integer keys; "integer" by the
    strings (as before the key columns); "decimal" sums DECIMALs (twice the integer plan's CPU).
    All give the same exact figures (``engines.accounting``)."""
    path = f"{lake.rstrip('/')}/month={int(year):04d}-*"
    reader = spark.read.option("recursiveFileLookup", "true").option("pathGlobFilter", "*.parquet")
    chosen = marks_in(marks, year)  # operators' 停产/检修 periods: their hours do not count
    if plan == "keyed":
        reader = reader.schema(KEYED_SCHEMA + (", data_time TIMESTAMP" if chosen else ""))
    reader.parquet(path).createOrReplaceTempView("readings")
    relation = "readings"
    if chosen:
        spark.createDataFrame([(m.mn, m.start, m.end) for m in chosen],
                              f"{MARK_COLUMNS[0]} STRING, {MARK_COLUMNS[1]} TIMESTAMP, {MARK_COLUMNS[2]} TIMESTAMP"
                              ).createOrReplaceTempView(MARKS_RELATION)
        relation = unmarked(relation)
    rows = spark.sql(accounting_sql(year, codes, relation, collapse_keys=collapse_keys, plan=plan)).collect()
    return combine(tuple(row) for row in rows)


def aggregate(lake: str, year: int, codes: Sequence[str] = DEFAULT_CODES, *, master: str = "local[*]",
              marks: Sequence[Mark] = ()) -> list[Total]:
    with session(master) as spark:
        return aggregate_with(spark, lake, year, codes, marks=marks)


def aggregate_energy_with(spark: Any, lake: str, year: int) -> list[EnergyTotal]:
    """Metered energy by region, carrier and month from the lake's meter files (``engines.energy``)."""
    path = f"{lake.rstrip('/')}/meters/month={int(year):04d}-*"
    frame = spark.read.option("recursiveFileLookup", "true").option("pathGlobFilter", "*.parquet").parquet(path)
    frame.createOrReplaceTempView("meter_readings")
    return combine_energy(tuple(row) for row in spark.sql(energy_sql(year, "meter_readings")).collect())


def aggregate_energy(lake: str, year: int, *, master: str = "local[*]") -> list[EnergyTotal]:
    with session(master) as spark:
        return aggregate_energy_with(spark, lake, year)
