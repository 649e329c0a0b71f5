"""Spark on a standalone master with two workers (loopback) gives DuckDB's figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scale.conftest import need_module
from tests.scale.helpers import outlets, records

pytestmark = pytest.mark.slow


def test_standalone_cluster_equals_duckdb(spark_standalone: str, tmp_path: Path) -> None:
    need_module("duckdb")
    from ecer.scale.engines import duckdb_engine, spark_engine
    from ecer.scale.lake.writer import LakeFiles

    LakeFiles(str(tmp_path), window=20).write(records(outlets(9), hours=6))
    with spark_engine.session(spark_standalone, conf={"spark.executor.memory": "512m",
                                                      "spark.cores.max": "2"}) as spark:
        assert spark.sparkContext.master == spark_standalone
        totals = spark_engine.aggregate_with(spark, str(tmp_path), 2024)
    assert totals == duckdb_engine.aggregate(str(tmp_path), 2024)
    assert totals
