"""The lake on S3, or on an S3-compatible store (MinIO, Ceph RGW, …), through pyarrow's S3 filesystem.

A lake path ``s3://bucket/prefix`` is configured from the environment, the way the AWS tools are:

* ``ECER_S3_ENDPOINT``, else ``AWS_ENDPOINT_URL_S3``, else ``AWS_ENDPOINT_URL``: the service's URL
  (``http://minio.internal:9000``); unset means AWS itself;
* ``ECER_S3_REGION``, else ``AWS_REGION``, else ``AWS_DEFAULT_REGION``;
* the credentials by the AWS SDK's own chain: ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``
  (/ ``AWS_SESSION_TOKEN``), else ``~/.aws/credentials``, else the machine's instance role.

The bucket must exist (the writers create only the prefixes under it). A missing bucket and an
unreachable or refusing service are ``SCALE_LAKE_S3_BUCKET`` and ``SCALE_LAKE_S3_UNREACHABLE``,
not a stack trace.

Readers: DuckDB reads S3 only through its ``httpfs`` extension, which it downloads from its own
site at first use (not reachable from a machine without internet access); so the DuckDB engine is
handed a pyarrow dataset of the year's files instead (``dataset``), which it scans natively with
the same column and filter push-down. Spark needs the Hadoop ``s3a`` connector jars
(hadoop-aws and the AWS SDK bundle), which pyspark does not ship.
"""

from __future__ import annotations

import fnmatch
import os
from typing import Any, Final
from urllib.parse import urlsplit

from ecer.domain.errors import EcerError
from ecer.scale import require

SCHEME: Final = "s3://"
ENDPOINT_VARIABLES: Final = ("ECER_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
REGION_VARIABLES: Final = ("ECER_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
TIMEOUT_SECONDS: Final = 10.0  # connect and request: a dead endpoint fails in seconds, not minutes


def is_s3(root: str) -> bool:
    return root.startswith(SCHEME)


def _first(variables: tuple[str, ...]) -> str | None:
    return next((value.strip() for name in variables if (value := os.environ.get(name, "")).strip()), None)


def endpoint() -> tuple[str, str] | None:
    """(host[:port], scheme) of the configured S3-compatible service; None for AWS itself."""
    url = _first(ENDPOINT_VARIABLES)
    if url is None:
        return None
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise EcerError("SCALE_LAKE_S3_ENDPOINT_INVALID", url)
    return parts.netloc, parts.scheme


def filesystem() -> Any:
    """A pyarrow ``S3FileSystem`` for the configured service (path-style addressing on an endpoint)."""
    fs = require("pyarrow.fs")
    options: dict[str, Any] = {"connect_timeout": TIMEOUT_SECONDS, "request_timeout": TIMEOUT_SECONDS}
    if (where := endpoint()) is not None:
        options["endpoint_override"], options["scheme"] = where
    if (region := _first(REGION_VARIABLES)) is not None:
        options["region"] = region
    return fs.S3FileSystem(**options)


def split(root: str) -> tuple[str, str]:
    """``s3://bucket/prefix/`` → (``bucket``, ``bucket/prefix``): the path pyarrow names it by."""
    path = root[len(SCHEME):].strip("/")
    bucket = path.split("/", 1)[0]
    if not bucket:
        raise EcerError("SCALE_LAKE_S3_BUCKET", root)
    return bucket, path


def open_root(root: str) -> tuple[Any, str]:
    """(filesystem, ``bucket/prefix``) for ``s3://bucket/prefix``, once the bucket is known to exist."""
    fs = require("pyarrow.fs")
    bucket, path = split(root)
    s3 = filesystem()
    try:
        info = s3.get_file_info(bucket)
    except OSError as exc:
        raise EcerError("SCALE_LAKE_S3_UNREACHABLE", f"{root}: {str(exc)[:300]}") from exc
    if info.type != fs.FileType.Directory:
        raise EcerError("SCALE_LAKE_S3_BUCKET", f"{root}: bucket {bucket!r} not found")
    return s3, path


def glob(pattern: str) -> tuple[Any, list[str]]:
    """(filesystem, complete files) matching ``s3://…`` ``pattern``, whose ``*`` stay within one name.

    Lists recursively from the pattern's fixed prefix (taken literally) and matches the rest name by
    name; temporary ``_tmp-`` objects never match ``*.parquet``.
    """
    fs = require("pyarrow.fs")
    s3, path = open_root(pattern)
    parts = path.split("/")
    fixed = next(i for i, part in enumerate(parts) if "*" in part)
    base, wanted = "/".join(parts[:fixed]), parts[fixed:]
    try:
        infos = s3.get_file_info(fs.FileSelector(base, recursive=True, allow_not_found=True))
    except OSError as exc:
        raise EcerError("SCALE_LAKE_S3_UNREACHABLE", f"{pattern}: {str(exc)[:300]}") from exc

    def matches(name: str) -> bool:
        rest = name[len(base) + 1:].split("/")
        return len(rest) == len(wanted) and all(map(fnmatch.fnmatchcase, rest, wanted))

    return s3, sorted(info.path for info in infos if info.type == fs.FileType.File and matches(info.path))


def dataset(pattern: str) -> Any:
    """A pyarrow dataset of the files matching ``pattern`` (the engines' year glob); None when none do.

    Its schema is the first file's, as DuckDB's ``read_parquet`` of a local glob takes it. String
    columns are read as dictionaries, as the files store them: DuckDB groups those about 1.5× faster
    than plain Arrow strings (``benchmarks/scale/s3_lake.py``)."""
    pa = require("pyarrow")
    ds = require("pyarrow.dataset")
    s3, files = glob(pattern)
    if not files:
        return None
    first = ds.dataset(files[:1], format="parquet", filesystem=s3).schema
    strings = [f.name for f in first if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    parquet = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=strings))
    return ds.dataset(files, format=parquet, filesystem=s3)
