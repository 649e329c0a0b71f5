"""Golden test (issue 9 §3): DuckDB, Spark local, the exact row-by-row oracle and the single-node
path (``ecer.services.monitoring.emission_totals`` over ``monitoring_readings``) agree on one dataset."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from ecer.protocol.hj212.codec import decode
from ecer.scale.log.base import Record
from tests.conftest import run_cli
from tests.scale.conftest import need_module
from tests.scale.helpers import outlets, records

YEAR = 2024


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Record]]:
    """Uploads of 9 outlets over 8 hours across a month end, one re-sent after the dedup window."""
    need_module("pyarrow")
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(9), hours=8)
    late = recs[4]
    recs.append(Record(late.subject, late.data, len(recs) + 1))  # same key again, later in the log
    root = tmp_path_factory.mktemp("lake")
    LakeFiles(str(root), window=16).write(recs)
    return str(root), recs


@pytest.fixture(scope="module")
def spark(spark_home: str):
    from ecer.scale.engines.spark_engine import session

    with session("local[2]") as s:
        yield s


def _oracle(lake: tuple[str, list[Record]]):
    import pyarrow.parquet as pq

    from ecer.scale.engines.accounting import reference

    rows = [r for f in Path(lake[0]).rglob("*.parquet") for r in pq.read_table(f).to_pylist()]
    return reference(rows, YEAR)


def test_duckdb_equals_exact_oracle(lake) -> None:
    need_module("duckdb")
    from ecer.scale.engines import duckdb_engine

    totals = duckdb_engine.aggregate(lake[0], YEAR)
    assert len(totals) == 3 * 2 * 3  # regions × months × (flow + two pollutants)
    assert totals == _oracle(lake)


def test_spark_local_equals_duckdb(lake, spark) -> None:
    from ecer.scale.engines import duckdb_engine, spark_engine

    assert spark_engine.aggregate_with(spark, lake[0], YEAR) == duckdb_engine.aggregate(lake[0], YEAR)


def test_resent_upload_counted_once(lake) -> None:
    totals = _oracle(lake)
    assert sum(t.readings for t in totals) == 9 * 8 * 3


def _single_node(url: str, recs: list[Record]) -> dict[tuple[str, str], float]:
    from ecer.services.monitoring import emission_totals
    from ecer.storage.db import session_scope
    from ecer.storage.monitoring import MonitoredSource, Reading

    seen = set()
    with session_scope(url) as session:
        for o in outlets(9):
            session.add(MonitoredSource(mn=o.source.mn, pw=o.source.pw, enterprise="合成演示企业", outlet="排口",
                                        kind="flue_gas" if o.st == "31" else "wastewater",
                                        region=o.source.region, st=o.st, created_by="test"))
        for rec in recs:
            p = decode(rec.data)
            for code, item in p.values.items():
                key = (p.mn, p.cn, p.data_time, code)
                if key in seen:  # the table's unique key: the first stored wins
                    continue
                seen.add(key)
                session.add(Reading(mn=p.mn, cn=p.cn, data_time=p.data_time.astimezone(dt.UTC), code=code, avg=item.get("Avg"),
                                    cou=item.get("Cou"), flag=item.get("Flag"), qn=p.qn,
                                    received_at=dt.datetime.now(dt.UTC)))
    return {(r["region"], r["code"]): r["amount_t"] for r in emission_totals(url, YEAR)}


def test_single_node_path_agrees(lake, database_url: str) -> None:
    """The single-node path sums floats in tonnes; the lake's exact sums agree to 1e-12 relative."""
    assert run_cli("init", "--json", env={"ECER_DATABASE_URL": database_url}).exit_code == 0
    single = _single_node(database_url, lake[1])
    by_year: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in _oracle(lake):
        if t.mass_kg is not None:
            by_year[(t.region, t.code)] += t.mass_kg / 1000
    assert set(single) == set(by_year)
    for key, tonnes in by_year.items():
        assert single[key] == pytest.approx(float(tonnes), rel=1e-12)


def _marks(lake: tuple[str, list[Record]]):  # type: ignore[no-untyped-def]
    """停产 over the second and third hour of the first outlet (a mark covers [start, end))."""
    from ecer.scale.engines.accounting import Mark

    mn = outlets(9)[0].source.mn
    times = sorted({p.data_time for p in map(decode, (r.data for r in lake[1])) if p.mn == mn})
    return [Mark(mn, times[1].astimezone(dt.UTC), times[3].astimezone(dt.UTC))]


def _oracle_marked(lake: tuple[str, list[Record]], marks):  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    from ecer.scale.engines.accounting import reference

    rows = [r for f in Path(lake[0]).rglob("*.parquet") for r in pq.read_table(f).to_pylist()]
    return reference(rows, YEAR, marks=marks)


def test_marked_hours_do_not_count_on_either_engine(lake, spark) -> None:
    """An operator's 停产/检修 mark takes its hours out of the lake's accounting as on the single node:
    DuckDB equals the oracle, Spark (keyed and string plans) equals DuckDB, two hours × 3 codes fewer."""
    need_module("duckdb")
    from ecer.scale.engines import duckdb_engine, spark_engine

    marks = _marks(lake)
    marked = duckdb_engine.aggregate(lake[0], YEAR, marks=marks)
    assert marked == _oracle_marked(lake, marks)
    assert sum(t.readings for t in marked) == sum(t.readings for t in _oracle(lake)) - 2 * 3
    assert spark_engine.aggregate_with(spark, lake[0], YEAR, marks=marks) == marked
    assert spark_engine.aggregate_with(spark, lake[0], YEAR, marks=marks, plan="integer") == marked


def test_single_node_and_lake_agree_with_marks(lake, database_url: str) -> None:
    """The same mark stored in the platform database: the single-node totals and ``ecer lake aggregate``
    (which reads the marks from that database) both leave its hours out, and agree."""
    from ecer.services import lake as lake_service
    from ecer.storage.db import session_scope
    from ecer.storage.sources import add_mark

    assert run_cli("init", "--json", env={"ECER_DATABASE_URL": database_url}).exit_code == 0
    unmarked = _single_node(database_url, lake[1])
    marks = _marks(lake)
    with session_scope(database_url) as session:
        for m in marks:
            add_mark(session, m.mn, "停产", m.start, m.end, "检修停产", "test")
    single = {(r["region"], r["code"]): r["amount_t"] for r in _emission_totals(database_url)}
    totals, _energy = lake_service.aggregate(database_url, "duckdb", lake[0], YEAR)
    assert totals == _oracle_marked(lake, marks)
    by_year: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in totals:
        if t.mass_kg is not None:
            by_year[(t.region, t.code)] += t.mass_kg / 1000
    assert set(single) == set(by_year) and single != unmarked
    for key, tonnes in by_year.items():
        assert single[key] == pytest.approx(float(tonnes), rel=1e-12)


def _emission_totals(url: str) -> list[dict]:  # type: ignore[type-arg]
    from ecer.services.monitoring import emission_totals

    return emission_totals(url, YEAR)
