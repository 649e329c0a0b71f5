"""Decoding the standard's own examples (Appendix C), its misprints, and real devices' deviations."""

from __future__ import annotations

import datetime as dt

import pytest

from ecer.protocol.hj212.codec import Policy, decode
from ecer.protocol.hj212.crc import format_crc, hj212_crc16, modbus_crc16, swap_bytes
from tests.protocol.hj212 import examples as ex

CST = dt.timezone(dt.timedelta(hours=8))


def codes(notices) -> list[str]:
    return [n.code for n in notices]


def test_appendix_a_example_decodes_cleanly() -> None:
    """Appendix A: ``##0101…&&1C80`` — length, CRC, header and CP all check."""
    p = decode(b"##0101" + ex.APPENDIX_A.encode() + b"1C80\r\n")
    assert (p.ok, p.crc_ok, p.crc_variant, p.length_ok) == (True, True, "hj212", True)


def test_appendix_a_header_fields() -> None:
    p = decode(ex.packet(ex.APPENDIX_A))
    assert (p.qn, p.st, p.cn, p.pw, p.mn) == ("20160801085857223", "32", "1062", "100000", ex.MN)


def test_flag_5_is_2017_with_ack() -> None:
    """Table 3 example: Flag=5 → version bits 000001 (this revision), A=1 (answer requested)."""
    p = decode(ex.packet(ex.APPENDIX_A))
    assert (p.flag, p.version, p.ack_requested) == (5, "2017", True)


def test_cp_plain_field_is_typed() -> None:
    """Table 4: RtdInterval is N4 seconds."""
    assert decode(ex.packet(ex.APPENDIX_A)).cp == {"RtdInterval": 30}


def test_misprinted_crc_1c08_matches_no_variant() -> None:
    """The prose value 1C08 is no CRC of the segment: an error, variant null."""
    p = decode(b"##0101" + ex.APPENDIX_A.encode() + b"1C08\r\n")
    assert (p.ok, p.crc_ok, p.crc_variant, codes(p.errors)) == (False, False, None, ["HJ212_CRC_MISMATCH"])


def test_c16_minute_values() -> None:
    """C.16: w00000-Cou=10.5, w01018-Avg=40.1, flags N; DataTime 08:40 is the interval start."""
    p = decode(ex.packet(ex.C16_MINUTE_UPLOAD))
    assert p.ok
    assert p.values["w00000"] == {"Cou": 10.5, "Min": 16.4, "Avg": 17.5, "Max": 20.1, "Flag": "N"}
    assert p.values["w01018"]["Avg"] == 40.1
    assert p.data_time == dt.datetime(2016, 8, 1, 8, 40, tzinfo=CST)


def test_c14_missing_letter_is_repaired_with_a_warning() -> None:
    """C.14 prints ``01018-Rtd=2.2``: mapped to w01018 and recorded as a known deviation."""
    p = decode(ex.packet(ex.C14_RTD_UPLOAD))
    assert p.ok
    assert p.values["w01018"]["Rtd"] == 2.2
    assert p.values["w01018"]["SampleTime"] == dt.datetime(2016, 8, 1, 7, 0, tzinfo=CST)
    assert codes(p.warnings) == ["HJ212_CODE_PREFIX_MISSING"]


def test_c15_equipment_state_is_integer() -> None:
    """C.15: SB1-RS=1 (running), SB2-RS=0 (off)."""
    assert decode(ex.packet(ex.C15_STATUS_UPLOAD)).values == {"SB1": {"RS": 1}, "SB2": {"RS": 0}}


def test_c19_missing_semicolon_before_cp() -> None:
    """C.19 prints ``Flag=5CP=&&``: accepted as a deviation, SB1-RT=1.1 hours read."""
    p = decode(ex.packet(ex.C19_RUNTIME_UPLOAD))
    assert (p.ok, p.flag, p.values["SB1"]) == (True, 5, {"RT": 1.1})
    assert codes(p.warnings) == ["HJ212_SEPARATOR_MISSING"]


@pytest.mark.parametrize("segment", [ex.C22_DAY_UPLOAD, ex.C48_HOUR_UPLOAD], ids=["C.22", "C.48"])
def test_comma_after_qn(segment: str) -> None:
    """C.22 and C.48 print ``QN=…534,ST=32``: both fields still read."""
    p = decode(ex.packet(segment))
    assert (p.ok, p.qn, p.st) == (True, "20160801085857534", "32")
    assert codes(p.warnings) == ["HJ212_COMMA_SEPARATOR"]


def test_c40_log_text() -> None:
    """C.40: ``i11001-Info=//清洗管路//`` — UTF-8 log text between // (length counts bytes)."""
    p = decode(ex.packet(ex.C40_LOG_UPLOAD))
    assert (p.ok, p.values["i11001"], p.cp) == (True, {"Info": "清洗管路"}, {"PolId": "w01018"})


def test_c42_space_before_equals() -> None:
    """C.42 prints ``i12003-Info =0``: read, with a whitespace warning."""
    p = decode(ex.packet(ex.C42_STATE_UPLOAD))
    assert (p.values["i12001"], p.values["i12003"]) == ({"Info": 1.0}, {"Info": 0.0})
    assert codes(p.warnings) == ["HJ212_WHITESPACE"]


def test_c50_split_packet_numbers() -> None:
    """C.50: Flag=7 → split (D=1) and ack (A=1); PNUM=2, PNO=1."""
    p = decode(ex.packet(ex.C50_SPLIT_1))
    assert (p.ok, p.ack_requested, p.pnum, p.pno) == (True, True, 2, 1)


def test_split_flag_without_numbers_is_an_error() -> None:
    p = decode(ex.packet(ex.C50_SPLIT_1.replace("PNUM=2;PNO=1;", "")))
    assert codes(p.errors) == ["HJ212_PACKET_NUMBER", "HJ212_PACKET_NUMBER"]


def test_2005_packet_maps_old_codes() -> None:
    """HJ/T 212-2005 style: no QN, no Flag, 14-char MN, codes 011 (COD) and B01 (flow)."""
    seg = "ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20040516021000;B01-Rtd=1.5;011-Rtd=231.0,011-Flag=N&&"
    p = decode(ex.packet(seg))
    assert (p.ok, p.version, p.flag, p.ack_requested, p.qn) == (True, "2005", None, False, None)
    assert p.values["w01018"] == {"source_code": "011", "Rtd": 231.0, "Flag": "N"}
    assert p.values["w00000"] == {"source_code": "B01", "Rtd": 1.5}
    assert p.warnings == []


def test_version_bits_2025() -> None:
    """Flag=9 → version bits 000010 (HJ 212-2025), A=1."""
    p = decode(ex.packet(ex.APPENDIX_A.replace("Flag=5", "Flag=9")))
    assert (p.version, p.ack_requested) == ("2025", True)


def test_lowercase_crc_is_a_deviation() -> None:
    p = decode(b"##0101" + ex.APPENDIX_A.encode() + b"1c80\r\n")
    assert (p.ok, p.crc_ok, p.crc_received, p.crc_expected) == (True, True, "1c80", "1C80")
    assert codes(p.warnings) == ["HJ212_CRC_LOWERCASE"]


@pytest.mark.parametrize(("swap", "variant", "code"), [
    (False, "modbus", "HJ212_CRC_MODBUS"),
    (True, "modbus-swapped", "HJ212_CRC_MODBUS_SWAPPED"),
])
def test_modbus_crc_variants(swap: bool, variant: str, code: str) -> None:
    value = modbus_crc16(ex.APPENDIX_A.encode())
    p = decode(ex.packet(ex.APPENDIX_A, crc=format_crc(swap_bytes(value) if swap else value)))
    assert (p.ok, p.crc_ok, p.crc_variant, codes(p.warnings)) == (True, False, variant, [code])


def test_strict_policy_turns_deviations_into_errors() -> None:
    value = modbus_crc16(ex.APPENDIX_A.encode())
    p = decode(ex.packet(ex.APPENDIX_A, crc=format_crc(value)), Policy.strict())
    assert (p.ok, codes(p.errors), p.warnings) == (False, ["HJ212_CRC_MODBUS"], [])


def test_policy_accepts_only_what_was_allowed() -> None:
    value = modbus_crc16(ex.APPENDIX_A.encode())
    p = decode(ex.packet(ex.APPENDIX_A, crc=format_crc(value)), Policy(accept=frozenset({"HJ212_CRC_MODBUS"})))
    assert p.ok


def test_device_deviations_epoch_qn_17_digit_time_short_mn() -> None:
    seg = ex.C16_MINUTE_UPLOAD.replace("QN=20160801085000001", "QN=1470012600001").replace(
        "DataTime=20160801084000", "DataTime=20160801084000123").replace(ex.MN, "399435XY0001")
    p = decode(ex.packet(seg))
    assert p.ok
    assert sorted(codes(p.warnings)) == ["HJ212_DATATIME_17_DIGITS", "HJ212_MN_NONSTANDARD", "HJ212_QN_EPOCH_MS"]
    assert p.data_time == dt.datetime(2016, 8, 1, 8, 40, 0, 123000, tzinfo=CST)
    assert p.as_dict()["data_time"] == "2016-08-01T08:40:00.123+08:00"


def test_wrong_length_still_reports_crc() -> None:
    p = decode(ex.packet(ex.APPENDIX_A, length=100))
    assert (p.ok, p.length_ok, p.crc_ok, p.crc_variant) == (False, False, True, "hj212")
    assert codes(p.errors) == ["HJ212_LENGTH_MISMATCH"]


def test_over_long_segment_refused_with_crc_verdict() -> None:
    """Table 2: data segment 0 ≤ n ≤ 1024."""
    seg = ex.HEAD % ("2011", 4, ";".join(["w01018-Rtd=1.0"] * 80))
    p = decode(ex.packet(seg))
    assert (p.ok, p.length_ok, p.crc_ok, codes(p.errors)) == (False, True, True, ["HJ212_TOO_LONG"])


def test_gbk_info_text_decoded_with_warning() -> None:
    seg = ex.C40_LOG_UPLOAD.encode("utf-8").replace("清洗管路".encode(), "清洗管路".encode("gbk"))
    raw = b"##%04d" % len(seg) + seg + b"%04X\r\n" % hj212_crc16(seg)
    p = decode(raw)
    assert (p.ok, p.values["i11001"], codes(p.warnings)) == (True, {"Info": "清洗管路"}, ["HJ212_INFO_GBK"])


def test_unknown_data_flag_warns() -> None:
    p = decode(ex.packet(ex.C16_MINUTE_UPLOAD.replace("w01018-Flag=N", "w01018-Flag=X")))
    assert codes(p.warnings) == ["HJ212_DATA_FLAG_UNKNOWN"]


def test_bad_number_is_an_error() -> None:
    p = decode(ex.packet(ex.C16_MINUTE_UPLOAD.replace("w01018-Avg=40.1", "w01018-Avg=nan")))
    assert codes(p.errors) == ["HJ212_VALUE_INVALID"]


def test_no_trailer_and_no_header() -> None:
    assert codes(decode(ex.packet(ex.APPENDIX_A)[:-2]).errors) == ["HJ212_NO_TRAILER"]
    assert codes(decode(b"QN=1;CP=&&&&\r\n").errors) == ["HJ212_NO_HEADER"]


def test_missing_qn_in_2017_packet_is_an_error() -> None:
    p = decode(ex.packet(ex.APPENDIX_A.replace("QN=20160801085857223;", "")))
    assert codes(p.errors) == ["HJ212_FIELD_MISSING"]


def test_as_dict_has_exactly_the_issue_keys() -> None:
    keys = list(decode(ex.packet(ex.APPENDIX_A)).as_dict())
    assert keys == ["ok", "crc_ok", "crc_received", "crc_expected", "crc_variant", "length_ok", "version", "qn",
                    "st", "cn", "pw", "mn", "flag", "ack_requested", "pnum", "pno", "data_time", "values", "cp",
                    "errors", "warnings"]
