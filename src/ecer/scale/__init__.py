"""The optional scale tier (issue 9): a durable log, a Parquet lake and DuckDB/Spark accounting.

Installed with ``pip install ecer[scale]``. Nothing here is imported by the single-node default:
the heavy libraries (nats-py, pyarrow, duckdb, pyspark) are imported inside the functions that
need them, through ``require``, so ``ecer`` without the extra still starts and says what is missing.

Layout: ``log/`` (the ``Log`` interface and its JetStream implementation), ``routing`` (pure: what
the gateway does with one packet), ``gateway`` (asyncio transport), ``lake/`` (rows, file layout,
writers), ``engines/`` (the accounting SQL run by DuckDB or Spark).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ecer.domain.errors import EcerError

#: import name → distribution name in the ``scale`` extra
EXTRA = {"nats": "nats-py", "pyarrow": "pyarrow", "duckdb": "duckdb", "pyspark": "pyspark"}


def require(name: str) -> ModuleType:
    """Import a module of the ``scale`` extra, or raise ``SCALE_EXTRA_MISSING`` naming it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        top = name.split(".")[0]
        raise EcerError("SCALE_EXTRA_MISSING", f"{EXTRA.get(top, top)}: {exc}") from exc
