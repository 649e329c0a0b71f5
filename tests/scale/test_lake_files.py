"""Parquet files of the lake: partitioning, order, names by log range, replay, shares (no log server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scale.conftest import need_module
from tests.scale.helpers import outlets, records


@pytest.fixture(autouse=True)
def _pyarrow() -> None:
    need_module("pyarrow")


def _files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.parquet"))


def _rows(root: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return [r for f in _files(root) for r in pq.read_table(f).to_pylist()]


def test_partitioned_by_month_and_region(tmp_path: Path) -> None:
    from ecer.scale.lake.writer import LakeFiles

    rows, _ = LakeFiles(str(tmp_path), window=100).write(records(outlets(6), hours=8))
    assert rows == 6 * 8 * 3  # every upload: flow + two pollutants
    months = {p.parent.parent.name for p in _files(tmp_path)}
    assert months == {"month=2024-01", "month=2024-02"}  # 20:00–03:00 Beijing time crosses the month
    assert len({p.parent.name for p in _files(tmp_path)}) == 3


def test_rows_sorted_by_outlet_pollutant_time(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from ecer.scale.lake.writer import LakeFiles

    LakeFiles(str(tmp_path), window=1000).write(records(outlets(6), hours=8))
    for f in _files(tmp_path):
        t = pq.read_table(f).to_pylist()
        keys = [(r["mn"], r["code"], r["data_time"]) for r in t]
        assert keys == sorted(keys)


def test_file_named_by_log_window(tmp_path: Path) -> None:
    from ecer.scale.lake.writer import LakeFiles

    LakeFiles(str(tmp_path), window=10).write(records(outlets(6), hours=8))
    names = {p.name for p in _files(tmp_path)}
    assert "part-000000000001-000000000010-w0of1.parquet" in names
    assert "part-000000000041-000000000050-w0of1.parquet" in names


def test_replay_overwrites_rather_than_duplicates(tmp_path: Path) -> None:
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(6), hours=8)
    files = LakeFiles(str(tmp_path), window=10)
    files.write(recs)
    before = (_files(tmp_path), len(_rows(tmp_path)))
    for start in range(0, len(recs), 7):  # the same records again, batched differently
        files.write(recs[start:start + 7])
    assert (_files(tmp_path), len(_rows(tmp_path))) == before


def test_window_filled_in_two_flushes_equals_one(tmp_path: Path) -> None:
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(6), hours=8)
    LakeFiles(str(tmp_path / "a"), window=100).write(recs)
    two = LakeFiles(str(tmp_path / "b"), window=100)
    two.write(recs[:20])
    two.write(recs[20:])
    assert sorted(r["seq"] for r in _rows(tmp_path / "a")) == sorted(r["seq"] for r in _rows(tmp_path / "b"))


def test_shares_split_outlets_without_overlap(tmp_path: Path) -> None:
    from ecer.scale.lake.rows import share_of
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(9), hours=2)
    for member in range(3):
        LakeFiles(str(tmp_path), member=member, members=3, window=100).write(recs)
    rows = _rows(tmp_path)
    assert len(rows) == 9 * 2 * 3
    assert all(f"w{share_of(r['mn'], 3)}of3" in str(p) for p in _files(tmp_path)
               for r in __import__("pyarrow.parquet").parquet.read_table(p).to_pylist())


def test_flow_copied_onto_pollutant_rows(tmp_path: Path) -> None:
    from ecer.scale.lake.writer import LakeFiles

    LakeFiles(str(tmp_path)).write(records(outlets(3), hours=1))
    by_code = {(r["mn"], r["code"]): r for r in _rows(tmp_path)}
    for (mn, code), r in by_code.items():
        flow = by_code[(mn, "w00000" if code.startswith("w") else "a00000")]
        assert (r["flow_cou"], r["flow_avg"]) == (flow["cou"], flow["avg"])


def test_key_columns_decode_to_the_strings(tmp_path: Path) -> None:
    """The integer keys the writers add are the MN, code, month, CN and flag, exactly (``rows.KEY_COLUMNS``)."""
    from ecer.scale.lake.rows import ascii_of, mn_of
    from ecer.scale.lake.writer import LakeFiles

    LakeFiles(str(tmp_path), window=10).write(records(outlets(6), hours=8))
    rows = _rows(tmp_path)
    assert rows and all((mn_of(r["mn_hi"], r["mn_lo"]), ascii_of(r["code_id"]), r["month_id"], ascii_of(r["cn_id"]),
                         ascii_of(r["flag_id"])) == (r["mn"], r["code"], int(r["month"].replace("-", "")), r["cn"],
                                                     r["flag"]) for r in rows)


def test_rewriting_a_file_written_before_the_key_columns_adds_them(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from ecer.scale.lake.rows import KEY_COLUMNS
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(6), hours=8)
    LakeFiles(str(tmp_path), window=100).write(recs[:20])
    for f in _files(tmp_path):  # as a writer before the key columns left them
        pq.write_table(pq.read_table(f).drop_columns(list(KEY_COLUMNS)), f)
    LakeFiles(str(tmp_path), window=100).write(recs[20:])
    for f in _files(tmp_path):
        table = pq.read_table(f)
        assert all(table.column(name).null_count == 0 for name in KEY_COLUMNS)
