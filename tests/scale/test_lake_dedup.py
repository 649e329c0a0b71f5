"""First copies at write time (``ecer.scale.lake.dedup``): an upload logged twice is in the lake once,
the copy with the smaller log position, whether the copies share a batch, a window file or neither;
and the plain accounting plan then equals the key-collapsing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecer.scale.log.base import Record
from tests.scale.conftest import need_module
from tests.scale.helpers import outlets, records


@pytest.fixture(autouse=True)
def _pyarrow() -> None:
    need_module("pyarrow")


def _rows(root: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return [r for f in sorted(root.rglob("*.parquet")) for r in pq.read_table(f).to_pylist()]


def _again(rec: Record, seq: int) -> Record:
    return Record(rec.subject, rec.data, seq)


def test_copy_in_same_batch_kept_once(tmp_path: Path) -> None:
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(3), hours=2)
    rows, _ = LakeFiles(str(tmp_path), window=100).write([*recs, _again(recs[0], 7)])
    assert rows == 3 * 2 * 3
    assert 7 not in {r["seq"] for r in _rows(tmp_path)}


def test_late_copy_in_later_window_dropped(tmp_path: Path) -> None:
    """The re-send lands in another window's file, written by a later flush."""
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(3), hours=4)  # seq 1–12
    files = LakeFiles(str(tmp_path), window=5)
    files.write(recs)
    rows, _ = files.write([_again(recs[1], 40)])  # window 36–40
    assert rows == 0
    assert len(_rows(tmp_path)) == 3 * 4 * 3


def test_late_copy_found_after_restart(tmp_path: Path) -> None:
    """A new writer process rebuilds the outlets' latest DataTime from the files."""
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(3), hours=4)
    LakeFiles(str(tmp_path), window=5).write(recs)
    LakeFiles(str(tmp_path), window=5).write([_again(recs[2], 41)])
    seqs = [r["seq"] for r in _rows(tmp_path)]
    assert (len(seqs), 41 in seqs) == (3 * 4 * 3, False)


def test_new_hours_are_not_suspects(tmp_path: Path) -> None:
    """Uploads later than everything in the files are written without looking at other files."""
    from ecer.scale.lake import dedup
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(3), hours=4)
    files = LakeFiles(str(tmp_path), window=5)
    files.write(recs[:6])
    import pyarrow as pa

    from ecer.scale.lake.rows import record_rows
    from ecer.scale.lake.writer import schema

    later = pa.Table.from_pydict(record_rows(recs[6:]), schema=schema())
    directory = str(next(tmp_path.rglob("*.parquet")).parent)
    assert not any(dedup.late_rows(later, files._latest_in(directory)).to_pylist())


def test_first_copies_keeps_smallest_seq() -> None:
    import pyarrow as pa

    from ecer.scale.lake.dedup import first_copies

    t = pa.table({"mn": ["A", "A", "A", "B"], "data_time": [1, 1, 2, 1], "code": ["c", "c", "c", "c"],
                  "seq": [9, 4, 5, 6]})
    assert sorted(first_copies(t)["seq"].to_pylist()) == [4, 5, 6]


def test_plain_plan_equals_key_collapse(tmp_path: Path) -> None:
    """On a writer's lake with re-sends, the summing plan and the min_by plan give the same totals."""
    need_module("duckdb")
    from ecer.scale.engines import duckdb_engine
    from ecer.scale.lake.writer import LakeFiles

    recs = records(outlets(9), hours=8)
    n = len(recs)
    recs += [_again(recs[i], n + 1 + i) for i in (0, 10, 40)]
    files = LakeFiles(str(tmp_path), window=16)
    files.write(recs[:50])
    files.write(recs[50:])
    plain = duckdb_engine.aggregate(str(tmp_path), 2024)
    assert plain == duckdb_engine.aggregate(str(tmp_path), 2024, collapse_keys=True)
    assert sum(t.readings for t in plain) == 9 * 8 * 3
