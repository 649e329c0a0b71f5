"""The lake on S3 (issue 9 §2: ``ecer lake write --to s3://…``), against a real S3 API.

There is no S3 service here, so moto's server mode stands in for it: a threaded HTTP server on a
random loopback port that speaks the S3 REST API. The project's side is the deployment's: pyarrow's
S3 filesystem, configured by ``ECER_S3_ENDPOINT`` and the AWS credential variables (``lake.s3``).
A real nats-server holds the log. The writer's objects get the partition names of a local lake, a
replay overwrites them, and ``ecer lake aggregate --engine duckdb`` over the bucket (a pyarrow dataset
handed to DuckDB: no ``httpfs``) equals the same over a local directory written from the same log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.scale.conftest import free_port, missing, need_module
from tests.scale.helpers import outlets, records

BUCKET = "ecer-lake"
LAKE = f"s3://{BUCKET}/province"
CREDIT = "91220200MA17XK0C3X"


@pytest.fixture
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 with an empty bucket; the environment points the lake at it.

    moto keeps its buckets in this process across server restarts: they are reset first."""
    need_module("pyarrow")
    need_module("duckdb")
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        missing("moto[s3] (with Flask, flask-cors) is not installed: pip install -r requirements.lock")
    from pyarrow import fs

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    urllib.request.urlopen(urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST"), timeout=10)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "ECER_S3_REGION", "AWS_DEFAULT_REGION",
                 "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ECER_S3_ENDPOINT", f"http://{host}:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ecer-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ecer-test-secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    admin = fs.S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http", region="us-east-1",
                            access_key="ecer-test", secret_key="ecer-test-secret", allow_bucket_creation=True)
    admin.create_dir(BUCKET)  # buckets are the operator's; the writers only add prefixes
    try:
        yield f"{host}:{port}"
    finally:
        server.stop()


def _meters() -> list[Any]:
    """Daily readings of two meters across January and February (the meter writer's ``meters/``)."""
    from ecer.scale.meters import MeterMessage

    start = dt.datetime(2024, 1, 20)
    return [MeterMessage(CREDIT, "磐石市", meter, carrier, unit, "day", start + dt.timedelta(days=d),
                         Decimal(100 + d) / 4)
            for d in range(20) for meter, carrier, unit in (("E01", "电力", "kWh"), ("G01", "天然气", "立方米"))]


def _fill(nats_url: str) -> tuple[list[Any], list[Any]]:
    """Publish hourly uploads of six outlets (January into February) and meter readings to the log."""
    from ecer.scale.log.jetstream import JetStreamLog

    uploads, readings = records(outlets(6), 8), _meters()

    async def main() -> None:
        log = await JetStreamLog.connect(nats_url)
        for i, r in enumerate(uploads):
            await log.publish(r.subject, r.data, f"id{i}")
        for m in readings:
            await log.publish(m.subject, m.encode(), m.msg_id)
        await log.close()

    asyncio.run(main())
    return uploads, readings


def _replay(nats_url: str) -> None:
    """Forget where the writers were: the next ``ecer lake write`` reads the whole log again."""
    import nats

    from ecer.scale.log.jetstream import STREAM

    async def main() -> None:
        nc = await nats.connect(nats_url)
        for name in ("lake-w0of1", "lake-meters-w0of1"):
            await nc.jetstream().delete_consumer(STREAM, name)
        await nc.close()

    asyncio.run(main())


def _write(nats_url: str, to: str) -> dict[str, Any]:
    result = run_cli("lake", "write", "--log", nats_url, "--to", to, "--drain", "1", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()[0]


def _aggregate(lake: str) -> list[dict[str, Any]]:
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", lake, "--no-store",
                     "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def _objects(endpoint: str) -> dict[str, int]:
    """Every object under the lake's prefix → its row count, read back over the S3 API."""
    from pyarrow import fs, parquet

    s3 = fs.S3FileSystem(endpoint_override=endpoint, scheme="http", region="us-east-1",
                         access_key="ecer-test", secret_key="ecer-test-secret")
    infos = s3.get_file_info(fs.FileSelector(f"{BUCKET}/province", recursive=True))
    files = [i.path for i in infos if i.type == fs.FileType.File]
    return {p.removeprefix(f"{BUCKET}/province/"): parquet.ParquetFile(s3.open_input_file(p)).metadata.num_rows
            for p in files}


def _expected_names(uploads: list[Any], readings: list[Any]) -> set[str]:
    """Partition directories and window file names the layout gives these records (log positions 1…)."""
    from ecer.scale.lake.layout import WINDOW, file_name, partition_dir
    from ecer.scale.lake.rows import record_rows
    from ecer.scale.meters import record_rows as meter_rows

    name = file_name(1, WINDOW, 0, 1)
    rows = record_rows(uploads, 0, 1)
    names = {f"{partition_dir(m, r)}/{name}" for m, r in zip(rows["month"], rows["region"], strict=True)}
    from ecer.scale.log.base import Record

    mrows = meter_rows([Record(m.subject, m.encode(), len(uploads) + i + 1) for i, m in enumerate(readings)], 0, 1)
    return names | {f"meters/{partition_dir(m, r)}/{name}" for m, r in zip(mrows["month"], mrows["region"],
                                                                               strict=True)}


def test_write_to_s3_replay_and_aggregate(nats_url: str, s3_server: str, tmp_path: Path) -> None:
    uploads, readings = _fill(nats_url)
    stats = _write(nats_url, LAKE)
    assert (stats["records"], stats["meter_records"]) == (len(uploads), len(readings))

    objects = _objects(s3_server)
    assert set(objects) == _expected_names(uploads, readings)  # no _tmp- objects left behind either
    assert {name.split("/")[0] for name in objects} >= {"month=2024-01", "month=2024-02", "meters"}
    hj_rows = sum(n for name, n in objects.items() if not name.startswith("meters/"))
    assert hj_rows == stats["rows"] > 0
    assert sum(n for name, n in objects.items() if name.startswith("meters/")) == stats["meter_rows"] == len(readings)

    _replay(nats_url)  # the whole log again: the same objects are rewritten, no row twice
    again = _write(nats_url, LAKE)
    assert again["records"] == len(uploads)
    assert _objects(s3_server) == objects

    _replay(nats_url)  # the same log into a local directory
    local = tmp_path / "lake"
    _write(nats_url, str(local))
    assert {str(p.relative_to(local)) for p in local.rglob("*.parquet")} == set(objects)

    on_s3, on_disk = _aggregate(LAKE), _aggregate(str(local))
    assert on_s3 == on_disk
    kinds = {row.get("kind", "emission") for row in on_s3}
    assert kinds == {"emission", "energy"} and len(on_s3) > 2


def test_aggregate_empty_s3_lake_is_input_error(s3_server: str) -> None:
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", LAKE, "--no-store")
    assert result.exit_code == 1 and "SCALE_LAKE_EMPTY" in result.stderr


def test_missing_bucket_is_reported(nats_url: str, s3_server: str) -> None:
    written = run_cli("lake", "write", "--log", nats_url, "--to", "s3://no-such-bucket/lake", "--drain", "1")
    assert written.exit_code == 2 and "SCALE_LAKE_S3_BUCKET" in written.stderr
    summed = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", "s3://no-such-bucket/lake",
                     "--no-store")
    assert summed.exit_code == 2 and "SCALE_LAKE_S3_BUCKET" in summed.stderr


def test_unreachable_and_invalid_endpoint_are_reported(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECER_S3_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    started = time.monotonic()
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", LAKE, "--no-store")
    assert result.exit_code == 2 and "SCALE_LAKE_S3_UNREACHABLE" in result.stderr
    assert time.monotonic() - started < 60
    monkeypatch.setenv("ECER_S3_ENDPOINT", "ftp://127.0.0.1:21")
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", LAKE, "--no-store")
    assert result.exit_code == 1 and "SCALE_LAKE_S3_ENDPOINT_INVALID" in result.stderr


def test_endpoint_variables_in_order(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ECER_S3_ENDPOINT, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (what the AWS tools read)."""
    from ecer.scale.lake import s3

    monkeypatch.delenv("ECER_S3_ENDPOINT")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{s3_server}")  # the AWS CLI's own variable reaches the bucket
    result = run_cli("lake", "aggregate", "--engine", "duckdb", "--year", "2024", "--lake", LAKE, "--no-store")
    assert result.exit_code == 1 and "SCALE_LAKE_EMPTY" in result.stderr
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "minio.internal:9000")
    assert s3.endpoint() == ("minio.internal:9000", "https")
    monkeypatch.setenv("ECER_S3_ENDPOINT", "http://10.0.0.5:9000/")
    assert s3.endpoint() == ("10.0.0.5:9000", "http")


def test_year_glob_on_s3_takes_the_prefix_literally(s3_server: str) -> None:
    """The year's files only: not the meters' directory, not temporary objects, not another year;
    a prefix with glob characters in it is a name, not a pattern."""
    from pyarrow import fs

    from ecer.scale.lake import s3
    from ecer.scale.lake.layout import year_glob

    store, _ = s3.open_root(f"s3://{BUCKET}")
    root = f"{BUCKET}/lake[1]"
    names = ["month=2024-01/region=x/part-1.parquet", "month=2024-12/region=%E7%A3%90/part-2.parquet",
             "month=2024-01/region=x/_tmp-abc", "month=2023-12/region=x/part-3.parquet",
             "meters/month=2024-01/region=x/part-4.parquet", "month=2024-01/part-5.parquet"]
    for name in names:
        with store.open_output_stream(f"{root}/{name}") as out:
            out.write(b"x")
    with store.open_output_stream(f"{BUCKET}/lake1/month=2024-01/region=x/part-6.parquet") as out:
        out.write(b"x")  # what the prefix would match as a pattern
    _, found = s3.glob(year_glob(f"s3://{root}", 2024))
    assert found == [f"{root}/{n}" for n in names[:2]]
    assert isinstance(store, fs.S3FileSystem)
