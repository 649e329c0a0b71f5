"""``ecer hj212 decode|encode|crc`` (issue 3 §1): JSON Lines with exactly the issue's keys."""

from __future__ import annotations

import json

from tests.protocol.hj212 import examples as ex

KEYS = ["ok", "crc_ok", "crc_received", "crc_expected", "crc_variant", "length_ok", "version", "qn", "st", "cn",
        "pw", "mn", "flag", "ack_requested", "pnum", "pno", "data_time", "values", "cp", "errors", "warnings"]


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_decode_one_object_per_line_even_unparseable(cli, tmp_path) -> None:
    path = tmp_path / "packets.txt"
    path.write_bytes(ex.packet(ex.C16_MINUTE_UPLOAD) + b"not a packet\n" + ex.packet(ex.APPENDIX_A))
    r = cli("hj212", "decode", path)
    rows = lines(r.stdout)
    assert [list(row) for row in rows] == [KEYS] * 3
    assert [row["ok"] for row in rows] == [True, False, True]
    assert r.exit_code == 1


def test_decode_values_shape_from_issue(cli, tmp_path) -> None:
    """Issue 3: {"w01018": {"Rtd": 231.0, "Flag": "N", "source_code": "011"}} for a 2005 COD upload."""
    seg = "ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20040516021000;011-Rtd=231.0,011-Flag=N&&"
    path = tmp_path / "old.txt"
    path.write_bytes(ex.packet(seg))
    row = lines(cli("hj212", "decode", path).stdout)[0]
    assert row["values"] == {"w01018": {"source_code": "011", "Rtd": 231.0, "Flag": "N"}}
    assert (row["version"], row["flag"], row["ack_requested"], row["data_time"]) == (
        "2005", None, False, "2004-05-16T02:10:00+08:00")


def test_decode_stream_with_garbage_and_split(cli, tmp_path) -> None:
    path = tmp_path / "capture.bin"
    path.write_bytes(b"AT\r\n" + ex.packet(ex.APPENDIX_A) + ex.packet(ex.C50_SPLIT_1))
    rows = lines(cli("hj212", "decode", path, "--stream").stdout)
    assert [r["errors"][0]["code"] if r["errors"] else r["cn"] for r in rows] == ["HJ212_GARBAGE", "1062", "2061"]
    assert (rows[2]["pnum"], rows[2]["pno"]) == (2, 1)


def test_decode_strict_makes_lowercase_crc_an_error(cli, tmp_path) -> None:
    path = tmp_path / "lower.txt"
    path.write_bytes(b"##0101" + ex.APPENDIX_A.encode() + b"1c80\r\n")
    row = lines(cli("hj212", "decode", path, "--strict").stdout)[0]
    assert (row["ok"], row["crc_ok"], row["errors"][0]["code"]) == (False, True, "HJ212_CRC_LOWERCASE")


def test_crc_of_appendix_a(cli) -> None:
    r = cli("hj212", "crc", ex.APPENDIX_A, "--json")
    assert r.exit_code == 0
    assert r.json()[0]["hj212"] == "1C80" and r.json()[0]["data_length"] == 101


def test_crc_accepts_a_whole_packet(cli) -> None:
    r = cli("hj212", "crc", "##0101" + ex.APPENDIX_A + "1C08", "--json")
    assert r.json()[0]["hj212"] == "1C80"


def test_encode_then_decode(cli, tmp_path) -> None:
    r = cli("hj212", "encode", "--st", "32", "--cn", "1062", "--pw", "100000", "--mn", ex.MN,
            "--qn", "20160801085857223", "--flag", "5", "--cp", "RtdInterval=30")
    assert r.stdout.encode() == ex.packet(ex.APPENDIX_A)


def test_encode_from_decode_json(cli, tmp_path) -> None:
    spec = {"st": "32", "cn": "2061", "pw": "123456", "mn": ex.MN, "qn": "20160801085857534", "flag": 5,
            "data_time": "2016-08-01T08:00:00+08:00", "values": {"w01018": {"Avg": 40.1, "Flag": "N"}}}
    source = tmp_path / "spec.json"
    source.write_text(json.dumps(spec), encoding="utf-8")
    packet = cli("hj212", "encode", "--from-json", source, "--json").json()[0]["packet"]
    path = tmp_path / "p.txt"
    path.write_text(packet + "\n", encoding="utf-8")
    row = lines(cli("hj212", "decode", path).stdout)[0]
    assert (row["ok"], row["values"], row["data_time"]) == (True, spec["values"], spec["data_time"])


def test_encode_missing_field_exits_1(cli) -> None:
    assert cli("hj212", "encode", "--st", "32").exit_code == 1
