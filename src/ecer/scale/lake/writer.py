"""Lake writers: durable consumers of the log that write Parquet and acknowledge afterwards.

A group of ``members`` writers shares the outlets by CRC-32 of the MN (``rows.share_of``). Each
member has its own durable consumer (``lake-w<member>of<members>``) that reads the accepted
subjects in log order and keeps only its share, so an outlet's records are always handled by one
writer, in order. A member buffers records until a log window closes, the buffer is full, or
``flush_seconds`` passed; it then decodes the batch, writes one file per (month, region, window)
— sorted by outlet, pollutant and time — and only when every file is complete acknowledges the
last record (``AckPolicy.ALL``). After a crash the unacknowledged records come again and rewrite
the same window files.

Paths go through pyarrow's filesystem layer: a local directory or ``s3://bucket/prefix`` (``lake.s3``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecer.scale import require
from ecer.scale.lake import dedup, s3
from ecer.scale.lake.layout import WINDOW, file_name, partition_dir, window_of
from ecer.scale.lake.rows import COLUMNS, KEY_COLUMNS, ascii_id, mn_halves, month_id, record_rows
from ecer.scale.log.base import Log, Record

log = logging.getLogger("ecer.scale.lake")

SORT_KEYS = [("mn", "ascending"), ("code", "ascending"), ("data_time", "ascending"), ("seq", "ascending")]


def schema(keys: bool = False) -> Any:
    """The rows' schema; with ``keys`` also the integer key columns the files carry (``rows.KEY_COLUMNS``)."""
    pa = require("pyarrow")
    f64 = pa.float64()
    types = {"seq": pa.int64(), "data_time": pa.timestamp("ms", tz="UTC"), "mn_hi": pa.int64(), "mn_lo": pa.int64(),
             "code_id": pa.int64(), "month_id": pa.int32(), "cn_id": pa.int64(), "flag_id": pa.int64()}
    floats = {"rtd", "min", "avg", "max", "cou", "zs_rtd", "zs_avg", "flow_avg", "flow_cou"}
    names = [*COLUMNS, *KEY_COLUMNS] if keys else COLUMNS
    return pa.schema([(name, types.get(name, f64 if name in floats else pa.string())) for name in names])


def with_keys(table: Any) -> Any:
    """``table`` (the rows' columns) with the integer key columns (``rows.KEY_COLUMNS``), each
    computed once per distinct value; NULL where a value has no integer form."""
    pa = require("pyarrow")
    out = table.select(list(COLUMNS))
    i64, i32 = pa.int64(), pa.int32()
    hi, lo = _encoded(out["mn"], (lambda mn: (mn_halves(mn) or (None, None))[0], i64),
                      (lambda mn: (mn_halves(mn) or (None, None))[1], i64))
    (code,) = _encoded(out["code"], (ascii_id, i64))
    (month,) = _encoded(out["month"], (month_id, i32))
    (cn,) = _encoded(out["cn"], (ascii_id, i64))
    (flag,) = _encoded(out["flag"], (ascii_id, i64))
    keys = {"mn_hi": hi, "mn_lo": lo, "code_id": code, "month_id": month, "cn_id": cn, "flag_id": flag}
    full = schema(keys=True)
    for name in KEY_COLUMNS:
        out = out.append_column(full.field(name), keys[name])
    return out


def _encoded(column: Any, *encodings: tuple[Any, Any]) -> list[Any]:
    """Per (encode, type): ``encode`` of each string of ``column`` (NULL stays NULL), evaluated per
    distinct value; the column's distinct values and positions are found once for all of them."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    distinct = pc.unique(column)
    positions = pc.index_in(column, value_set=distinct)
    texts = distinct.to_pylist()
    return [pa.array([None if v is None else encode(v) for v in texts], type_).take(positions)
            for encode, type_ in encodings]


def open_root(root: str) -> tuple[Any, str]:
    """(pyarrow filesystem, path inside it) for a local directory or an ``s3://`` URI (``lake.s3``)."""
    fs = require("pyarrow.fs")
    if s3.is_s3(root):  # endpoint, region and credentials from the environment
        return s3.open_root(root)
    if "://" in root:
        filesystem, path = fs.FileSystem.from_uri(root)
        return filesystem, path.rstrip("/")
    return fs.LocalFileSystem(), str(Path(root).resolve())


@dataclass
class WriterStats:
    records: int = 0
    rows: int = 0
    files: int = 0
    flushes: int = 0
    write_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def as_dict(self) -> dict[str, float | int]:
        return {k: v for k, v in self.__dict__.items() if k != "started"}


class PartitionFiles:
    """The files of one writer member under ``root[/subdir]``: list, read and write them whole.

    Shared by the HJ 212 writer (``LakeFiles``) and the meter writer (``meter_writer.MeterFiles``).
    """

    def __init__(self, root: str, member: int = 0, members: int = 1, window: int = WINDOW, subdir: str = "") -> None:
        if not 0 <= member < members:
            raise ValueError("member must satisfy 0 <= member < members")
        self.fs, base = open_root(root)
        self.base = f"{base}/{subdir}" if subdir else base
        self.member, self.members, self.window = member, members, window
        self.fs.create_dir(self.base, recursive=True)

    def write(self, records: Sequence[Record]) -> tuple[int, list[str]]:
        """Write the rows of ``records``; returns (rows written, files written)."""
        raise NotImplementedError

    def path_of(self, month: str, region: str, first: int) -> tuple[str, str]:
        """(partition directory, this member's file of the log window starting at ``first``)."""
        directory = f"{self.base}/{partition_dir(month, region)}"
        return directory, f"{directory}/{file_name(first, first + self.window - 1, self.member, self.members)}"

    def files_in(self, directory: str) -> list[str]:
        """Complete Parquet files of a partition (temporary ``_tmp-`` names are skipped).

        Another member may rename its temporary file while the directory is being listed, which a
        local listing reports as an error: the listing is simply taken again.
        """
        fs = require("pyarrow.fs")
        selector = fs.FileSelector(directory, allow_not_found=True)
        for attempt in range(5):
            try:
                infos = self.fs.get_file_info(selector)
                break
            except OSError:
                if attempt == 4:
                    raise
                time.sleep(0.05)
        return sorted(info.path for info in infos
                      if info.type == fs.FileType.File and info.base_name.endswith(".parquet")
                      and not info.base_name.startswith("_"))

    def read(self, path: str, table_schema: Any) -> Any:
        """The file at ``path``, or None when it does not exist."""
        fs = require("pyarrow.fs")
        pq = require("pyarrow.parquet")
        if self.fs.get_file_info(path).type != fs.FileType.File:
            return None
        return pq.read_table(path, filesystem=self.fs, schema=table_schema)

    def write_file(self, directory: str, path: str, table: Any) -> None:
        pq = require("pyarrow.parquet")
        self.fs.create_dir(directory, recursive=True)
        temporary = f"{directory}/_tmp-{uuid.uuid4().hex}"  # readers skip names starting with _
        pq.write_table(table, temporary, filesystem=self.fs, compression="zstd", row_group_size=1 << 20)
        self.fs.move(temporary, path)  # complete file appears at once (a rename on local disks)


class LakeFiles(PartitionFiles):
    """Synchronous part: records → Parquet files (runs on a worker thread)."""

    def __init__(self, root: str, member: int = 0, members: int = 1, window: int = WINDOW) -> None:
        super().__init__(root, member, members, window)
        self._latest: dict[str, Any] = {}  # partition directory → (mn, latest DataTime) in its files

    def write(self, records: Sequence[Record]) -> tuple[int, list[str]]:
        """Write the rows of ``records``; returns (rows written, files written).

        Only the first copy of each (MN, DataTime, code) by log position is kept (``dedup``).
        """
        pa = require("pyarrow")
        pc = require("pyarrow.compute")
        columns = record_rows(records, self.member, self.members)
        if not columns["seq"]:
            return 0, []
        table = dedup.first_copies(pa.Table.from_pydict(columns, schema=schema()))
        groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for index, (month, region, seq) in enumerate(zip(table["month"].to_pylist(), table["region"].to_pylist(),
                                                         table["seq"].to_pylist(), strict=True)):
            groups[(str(month), str(region), window_of(int(seq), self.window)[0])].append(index)
        written, rows = [], 0
        for (month, region, first), indices in sorted(groups.items()):
            part = table.take(pa.array(indices, pa.int64()))
            directory, path = self.path_of(month, region, first)
            known = self._latest_in(directory)
            late = dedup.late_rows(part, known)
            if pc.any(late).as_py():  # rows an earlier file may hold already
                suspects = part.filter(late)
                others = self._keys_elsewhere(directory, path, pc.unique(suspects["mn"]).to_pylist())
                part = pa.concat_tables([part.filter(pc.invert(late)), dedup.drop_known(suspects, others)])
            rows += part.num_rows
            existing = self.read(path, schema())
            if existing is not None:  # the window again: keep what is not being rewritten, add the new
                keep = pc.invert(pc.is_in(existing["seq"], value_set=part["seq"]))
                part = dedup.first_copies(pa.concat_tables([existing.filter(keep), part]))
            self.write_file(directory, path, with_keys(part.sort_by(SORT_KEYS)))
            self._latest[directory] = dedup.merge_latest(known, part)
            written.append(path)
        return rows, written

    def _latest_in(self, directory: str) -> Any:
        """Each outlet's latest DataTime in the directory's files (read once per writer process)."""
        if directory not in self._latest:
            pq = require("pyarrow.parquet")
            known = None
            for path in self.files_in(directory):
                known = dedup.merge_latest(known, pq.read_table(path, filesystem=self.fs,
                                                                columns=["mn", "data_time"]))
            self._latest[directory] = known
        return self._latest[directory]

    def _keys_elsewhere(self, directory: str, path: str, mns: list[str]) -> Any:
        """Key columns of these outlets' rows in the directory's other files."""
        pa = require("pyarrow")
        pq = require("pyarrow.parquet")
        tables = [pq.read_table(other, filesystem=self.fs, columns=["mn", "data_time", "code", "seq"],
                                filters=[("mn", "in", mns)])
                  for other in self.files_in(directory) if other != path]
        return pa.concat_tables(tables) if tables else None


async def run_writer(log_: Log, root: str, *, member: int = 0, members: int = 1, batch: int = 5000,
                     max_buffer: int = 200_000, flush_seconds: float = 5.0, window: int = WINDOW,
                     idle_exit: float | None = None, stop: asyncio.Event | None = None,
                     stats: WriterStats | None = None, files: LakeFiles | None = None) -> WriterStats:
    """Consume ``hj212.>``, write, acknowledge; until ``stop`` is set, or ``idle_exit`` seconds pass with nothing new.

    ``files`` replaces the plain ``LakeFiles`` (``lake.live`` also fills the live tables before the ack)."""
    files = files or LakeFiles(root, member, members, window)
    return await consume_into(log_, files, f"lake-w{member}of{members}",
                              "hj212.>", batch=batch, max_buffer=max_buffer, flush_seconds=flush_seconds,
                              idle_exit=idle_exit, stop=stop, stats=stats)


async def consume_into(log_: Log, files: PartitionFiles, consumer_name: str, subjects: str, *,
                       batch: int, max_buffer: int, flush_seconds: float, idle_exit: float | None,
                       stop: asyncio.Event | None, stats: WriterStats | None) -> WriterStats:
    """The loop of every lake writer: buffer until a log window closes, the buffer is full or
    ``flush_seconds`` passed; write the files (``files.write`` on a worker thread); then acknowledge."""
    stats = stats or WriterStats()
    consumer = await log_.consumer(consumer_name, subjects)
    loop = asyncio.get_running_loop()
    buffer: list[Record] = []
    first_at = last_data = time.monotonic()
    while True:
        records = await consumer.fetch(batch, timeout=0.5)
        now = time.monotonic()
        if records:
            if not buffer:
                first_at = now
            buffer.extend(records)
            last_data = now
        done = (stop is not None and stop.is_set()) or (idle_exit is not None and now - last_data >= idle_exit)
        if buffer and (not records or done or len(buffer) >= max_buffer or now - first_at >= flush_seconds
                       or window_of(buffer[0].seq, files.window) != window_of(buffer[-1].seq, files.window)):
            started = time.perf_counter()
            rows, paths = await loop.run_in_executor(None, files.write, buffer)
            await consumer.ack(buffer[-1])  # every file holding these records is complete
            stats.write_seconds += time.perf_counter() - started
            stats.records += len(buffer)
            stats.rows += rows
            stats.files += len(paths)
            stats.flushes += 1
            buffer = []
        if done and not buffer:
            return stats
