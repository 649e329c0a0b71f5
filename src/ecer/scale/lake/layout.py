"""Where rows go in the lake, and what the files are called.

::

    <root>/month=2024-03/region=<quoted region>/part-<first>-<last>-w<member>of<members>.parquet

``first``–``last`` is a fixed window of log positions (``WINDOW`` sequence numbers, aligned to
multiples of it). A window's file holds every row of that window, that month and region, and that
writer's share of outlets; when a writer flushes the window again (more records arrived, or the
log is replayed) it rewrites the same file with the union, so a replay overwrites rather than
duplicates and the file names do not depend on how the records happened to be batched.

The month and region are also columns inside each file: readers glob the directories for pruning
and never need to parse the directory names (so percent-encoded region names are harmless).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

WINDOW: Final = 100_000  # log positions per file window


def window_of(seq: int, window: int = WINDOW) -> tuple[int, int]:
    """First and last log position of the window holding ``seq`` (1-based positions)."""
    start = (seq - 1) // window * window + 1
    return start, start + window - 1


def partition_dir(month: str, region: str) -> str:
    return f"month={month}/region={quote(region, safe='')}"


def file_name(first: int, last: int, member: int, members: int) -> str:
    return f"part-{first:012d}-{last:012d}-w{member}of{members}.parquet"


def year_glob(root: str, year: int) -> str:
    """Every file of one year (the engines read this)."""
    return f"{root.rstrip('/')}/month={year:04d}-*/*/*.parquet"
