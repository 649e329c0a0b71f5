"""The meter lake writer: a durable consumer of ``meter.>`` that writes Parquet, then acknowledges.

Same rules as the HJ 212 writer (``lake.writer``): files are named by log window
(``lake.layout``), partitioned by month and region, written complete under a temporary name and
renamed, and the log is acknowledged only after every file of a batch is complete; a replay
rewrites the same window files with the union. The rows live under ``<root>/meters/`` so the
HJ 212 engines' globs (``<root>/month=…``) never see them.

One row per (credit code, meter, period, at): the first by log position wins, in the batch and
against the partition's other files (meter traffic is small: a unit sends a few hundred readings
a day, so reading the partition's key columns is cheap).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Final

from ecer.scale import require
from ecer.scale.lake.layout import WINDOW, window_of
from ecer.scale.lake.writer import PartitionFiles, WriterStats, consume_into
from ecer.scale.log.base import Log, Record
from ecer.scale.meters import COLUMNS, SCALE, SUBJECTS, record_rows

SUBDIR: Final = "meters"
KEYS: Final = ("credit_code", "meter", "period", "reading_at")
SORT_KEYS: Final = [("credit_code", "ascending"), ("meter", "ascending"), ("reading_at", "ascending"), ("seq", "ascending")]


def schema() -> Any:
    pa = require("pyarrow")
    exact = pa.decimal128(38, SCALE)
    types = {"seq": pa.int64(), "reading_at": pa.timestamp("ms"), "value": exact, "amount": exact, "kgce": exact}
    return pa.schema([(name, types.get(name, pa.string())) for name in COLUMNS])


def year_glob(root: str, year: int) -> str:
    """Every meter file of one year (the engines read this)."""
    return f"{root.rstrip('/')}/{SUBDIR}/month={year:04d}-*/*/*.parquet"


class MeterFiles(PartitionFiles):
    """Synchronous part: records → Parquet files (runs on a worker thread)."""

    def __init__(self, root: str, member: int = 0, members: int = 1, window: int = WINDOW) -> None:
        super().__init__(root, member, members, window, SUBDIR)

    def write(self, records: Sequence[Record]) -> tuple[int, list[str]]:
        """Write the rows of ``records``; returns (rows written, files written)."""
        pa = require("pyarrow")
        columns = record_rows(records, self.member, self.members)
        if not columns["seq"]:
            return 0, []
        table = pa.Table.from_pydict(columns, schema=schema())
        groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for index, (month, region, seq) in enumerate(zip(columns["month"], columns["region"], columns["seq"],
                                                         strict=True)):
            groups[(str(month), str(region), window_of(int(seq), self.window)[0])].append(index)  # type: ignore[call-overload]
        written, rows = [], 0
        for (month, region, first), indices in sorted(groups.items()):
            directory, path = self.path_of(month, region, first)
            part = table.take(pa.array(indices, pa.int64()))
            elsewhere = self._keys_elsewhere(directory, path)
            rows += _first_copies(part, elsewhere).num_rows  # this batch's new rows (stats)
            existing = self.read(path, schema())
            if existing is not None:  # the window again: keep what is not being rewritten, add the new
                pc = require("pyarrow.compute")
                part = pa.concat_tables([existing.filter(pc.invert(pc.is_in(existing["seq"], value_set=part["seq"]))),
                                         part])
            part = _first_copies(part, elsewhere)
            self.write_file(directory, path, part.sort_by(SORT_KEYS))
            written.append(path)
        return rows, written

    def _keys_elsewhere(self, directory: str, path: str) -> dict[tuple[object, ...], int]:
        """Key → lowest log position among the directory's other files."""
        pq = require("pyarrow.parquet")
        known: dict[tuple[object, ...], int] = {}
        for other in self.files_in(directory):
            if other == path:
                continue
            table = pq.read_table(other, filesystem=self.fs, columns=[*KEYS, "seq"])
            for row in table.to_pylist():
                key = tuple(row[k] for k in KEYS)
                known[key] = min(known.get(key, row["seq"]), row["seq"])
        return known


def _first_copies(part: Any, elsewhere: dict[tuple[object, ...], int]) -> Any:
    """Keep each key's first copy by log position (within ``part`` and against ``elsewhere``)."""
    pa = require("pyarrow")
    keys = part.select(list(KEYS)).to_pylist()
    seqs = part["seq"].to_pylist()
    first: dict[tuple[object, ...], int] = dict(elsewhere)
    for row, seq in zip(keys, seqs, strict=True):
        key = tuple(row.values())
        first[key] = min(first.get(key, seq), seq)
    keep = [first[tuple(row.values())] == seq for row, seq in zip(keys, seqs, strict=True)]
    return part.filter(pa.array(keep, pa.bool_()))


async def run_meter_writer(log_: Log, root: str, *, member: int = 0, members: int = 1, batch: int = 5000,
                           flush_seconds: float = 5.0, window: int = WINDOW, idle_exit: float | None = None,
                           stop: asyncio.Event | None = None, stats: WriterStats | None = None,
                           files: MeterFiles | None = None) -> WriterStats:
    """Consume ``meter.>``, write, acknowledge; until ``stop``, or ``idle_exit`` seconds with nothing new.

    ``files`` replaces the plain ``MeterFiles`` (``lake.live`` also fills ``meter_readings`` before the ack)."""
    files = files or MeterFiles(root, member, members, window)
    return await consume_into(log_, files, f"lake-meters-w{member}of{members}",
                              SUBJECTS, batch=batch, max_buffer=200_000, flush_seconds=flush_seconds,
                              idle_exit=idle_exit, stop=stop, stats=stats)
