"""The lake's integer key columns and Spark's keyed plan: exact encodings, and exact totals on any
mix of files with and without the columns, non-standard MNs and codes among them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecer.scale.lake.rows import ascii_id, ascii_of, mn_halves, mn_of, month_id
from tests.scale.conftest import need_module

YEAR = 2024
T0 = dt.datetime(2024, 3, 1, 0, tzinfo=dt.UTC)
M1 = "0100000000000000000000AB"  # standard: 24 upper-case hex digits
M2 = "FFFFFFFFFFFF000000000001"
ODD_MN = "88888888880001"  # HJ/T 212-2005 style: no integer key
LONG_CODE = "w01018abc"  # more than 8 characters: no integer key
CODES = ("w01018", "a21002", LONG_CODE)


def test_mn_halves_are_exact_and_reversible() -> None:
    for mn in (M1, M2, "000000000000000000000000", "FFFFFFFFFFFFFFFFFFFFFFFF"):
        hi, lo = mn_halves(mn)  # type: ignore[misc]
        assert 0 <= hi < 2**48 and 0 <= lo < 2**48
        assert mn_of(hi, lo) == mn
    assert mn_halves(M1) != mn_halves(M2)


@pytest.mark.parametrize("mn", [ODD_MN, M1.lower(), M1 + "0", M1[:-1] + "G", "０" * 24])
def test_non_standard_mn_has_no_key(mn: str) -> None:
    assert mn_halves(mn) is None


def test_ascii_ids_are_exact_reversible_and_ordered() -> None:
    """Codes, CNs and flags as their ASCII bytes."""
    codes = ["w00000", "w01018", "a00000", "a21002", "a24088", "LA", "Leq", "I33400", "B01", "011", "e10101"]
    ids = [ascii_id(c) for c in codes]
    assert all(i is not None and 0 < i < 2**63 for i in ids)
    assert [ascii_of(i) for i in ids] == codes  # type: ignore[arg-type]
    assert sorted(codes) == sorted(codes, key=ascii_id)  # type: ignore[arg-type]
    assert ascii_id(LONG_CODE) is None and ascii_id("浊度") is None and ascii_id("") is None
    assert [ascii_of(ascii_id(t)) for t in ("2061", "N", "D")] == ["2061", "N", "D"]  # type: ignore[arg-type]


def test_month_id() -> None:
    assert month_id("2024-03") == 202403
    assert month_id("2024-3") is None and month_id("２０２４-03") is None


def _row(mn: str, code: str, hour: int, seq: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {"seq": seq, "mn": mn, "region": "昌邑区", "month": "2024-03", "cn": "2061",
                              "data_time": T0 + dt.timedelta(hours=hour), "code": code, "flag": "N", "avg": None,
                              "cou": None, "flow_avg": None, "flow_cou": None}
    row.update(values)
    return row


def _rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(rows of a file written before the key columns, rows of a file with them): outlet M1 in both."""
    old = [_row(M1, "w01018", h, 1 + h, avg=40.1, flow_cou=63.0) for h in range(3)]
    old += [_row(M1, "w00000", h, 10 + h, avg=17.5, cou=63.0) for h in range(3)]
    new = [_row(M1, "w01018", h, 20 + h, avg=9_876_543_210.1234, flow_cou=987_654_321.12345) for h in range(3, 5)]
    new += [_row(M1, "w00000", h, 30 + h, cou=987_654_321.12345) for h in range(3, 5)]
    new += [_row(M2, "a21002", h, 40 + h, avg=-12.5, flow_avg=27_777.7777) for h in range(4)]
    new += [_row(ODD_MN, "w01018", h, 50 + h, avg=0.0001, flow_cou=0.00001) for h in range(2)]
    new += [_row(M2, LONG_CODE, h, 60 + h, avg=1.5, flow_cou=2.0) for h in range(2)]
    new += [_row(M2, "w01018", 1, 70, avg=1.0, flow_cou=1.0, flag="D")]  # not counted
    return old, new


@pytest.fixture(scope="module")
def mixed_lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, object]]]:
    """One partition with a file written before the key columns and one after (how writers add
    them to an existing lake), plus a non-standard MN and a code without a key."""
    need_module("pyarrow")
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ecer.scale.lake.layout import file_name, partition_dir
    from ecer.scale.lake.writer import schema, with_keys

    root = tmp_path_factory.mktemp("mixed")
    directory = root / partition_dir("2024-03", "昌邑区")
    directory.mkdir(parents=True)
    old, new = _rows()
    pq.write_table(pa.Table.from_pylist(old, schema=schema()), directory / file_name(1, 19, 0, 1))
    keyed = with_keys(pa.Table.from_pylist(new, schema=schema()))
    assert keyed.column("mn_hi").null_count == 2  # ODD_MN's rows
    pq.write_table(keyed, directory / file_name(20, 79, 0, 1))
    return str(root), old + new


@pytest.fixture(scope="module")
def spark(spark_home: str):
    from ecer.scale.engines.spark_engine import session

    with session("local[2]") as s:
        yield s


def test_keyed_plan_exact_on_a_mixed_lake(mixed_lake, spark) -> None:
    """Same totals as the oracle and the string-keyed plan; M1, in both files, is one outlet."""
    from ecer.scale.engines import spark_engine
    from ecer.scale.engines.accounting import reference

    root, rows = mixed_lake
    expected = reference(rows, YEAR, CODES)
    keyed = spark_engine.aggregate_with(spark, root, YEAR, CODES)
    assert keyed == expected
    assert keyed == spark_engine.aggregate_with(spark, root, YEAR, CODES, plan="integer")
    by_code = {t.code: t for t in keyed}
    assert (by_code["w01018"].outlets, by_code["w01018"].readings) == (2, 7)  # M1 (3 + 2) and ODD_MN (2)
    assert (by_code["w00000"].outlets, by_code[LONG_CODE].outlets) == (1, 1)


def test_keyed_plan_on_writer_files_equals_duckdb(tmp_path: Path, spark) -> None:
    """Files as the lake writer writes them (key columns filled) give DuckDB's decimal figures."""
    from ecer.scale.engines import duckdb_engine, spark_engine
    from ecer.scale.lake.writer import LakeFiles
    from tests.scale.helpers import outlets, records

    need_module("duckdb")
    LakeFiles(str(tmp_path), window=10).write(records(outlets(6), hours=8))
    import pyarrow.parquet as pq

    files = sorted(tmp_path.rglob("*.parquet"))
    assert all(pq.read_table(f).column("mn_hi").null_count == 0 for f in files)
    assert spark_engine.aggregate_with(spark, str(tmp_path), YEAR) == duckdb_engine.aggregate(str(tmp_path), YEAR)


def test_keyed_plan_refuses_a_value_beyond_the_bound(tmp_path: Path, spark) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ecer.scale.engines import spark_engine
    from ecer.scale.lake.layout import file_name, partition_dir
    from ecer.scale.lake.writer import schema, with_keys

    directory = tmp_path / partition_dir("2024-03", "昌邑区")
    directory.mkdir(parents=True)
    table = with_keys(pa.Table.from_pylist([_row(M1, "w01018", 0, 1, avg=2e10, flow_cou=63.0)], schema=schema()))
    pq.write_table(table, directory / file_name(1, 10, 0, 1))
    with pytest.raises(Exception, match="beyond the exact bound"):
        spark_engine.aggregate_with(spark, str(tmp_path), YEAR)
