"""Appendix A's CRC16 and the CRC-16/MODBUS variants deviating loggers send."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecer.protocol.hj212.crc import (
    format_crc,
    hj212_crc16,
    identify,
    modbus_crc16,
    swap_bytes,
)
from tests.protocol.hj212.examples import APPENDIX_A


def appendix_a_literal(data: bytes) -> int:
    """HJ 212-2017 Appendix A, CRC16_Checkout, step by step (no table), as the reference oracle."""
    crc_reg = 0xFFFF
    for byte in data:
        crc_reg = (crc_reg >> 8) ^ byte
        for _ in range(8):
            check = crc_reg & 0x0001
            crc_reg >>= 1
            if check == 0x0001:
                crc_reg ^= 0xA001
    return crc_reg


def test_appendix_a_example_is_1c80() -> None:
    """HJ 212-2017 Appendix A: the example frame ends in 1C80 (the prose after it misprints 1C08)."""
    assert format_crc(hj212_crc16(APPENDIX_A.encode())) == "1C80"


def test_appendix_a_example_length_is_0101() -> None:
    """Appendix A: the same example declares ``##0101``: 101 bytes of data segment."""
    assert len(APPENDIX_A.encode()) == 101


def test_appendix_a_is_not_modbus() -> None:
    """The standard's algorithm differs from CRC-16/MODBUS on the same bytes."""
    assert modbus_crc16(APPENDIX_A.encode()) != hj212_crc16(APPENDIX_A.encode())


def test_modbus_check_value() -> None:
    """CRC-16/MODBUS catalogue check value: "123456789" → 0x4B37."""
    assert modbus_crc16(b"123456789") == 0x4B37


def test_swap_bytes_example_from_issue() -> None:
    """Issue 3: Modbus ECA6 sent as A6EC."""
    assert swap_bytes(0xECA6) == 0xA6EC


def test_empty_segment_keeps_initial_register() -> None:
    """Appendix A step 1: the register starts at 0xFFFF; no byte, no change."""
    assert hj212_crc16(b"") == 0xFFFF


@given(st.binary(max_size=300))
def test_table_matches_the_literal_algorithm(data: bytes) -> None:
    assert hj212_crc16(data) == appendix_a_literal(data)


@given(st.binary(max_size=200), st.binary(max_size=200))
def test_crc_continues_over_pieces(first: bytes, second: bytes) -> None:
    assert hj212_crc16(second, hj212_crc16(first)) == hj212_crc16(first + second)
    assert modbus_crc16(second, modbus_crc16(first)) == modbus_crc16(first + second)


def test_identify_each_variant() -> None:
    data = APPENDIX_A.encode()
    modbus = modbus_crc16(data)
    assert identify(data, 0x1C80) == "hj212"
    assert identify(data, modbus) == "modbus"
    assert identify(data, swap_bytes(modbus)) == "modbus-swapped"
    assert identify(data, 0x1C08) is None


def test_state_map_has_order_eight() -> None:
    """The lane shortcut rests on H⁸ = I for Appendix A's 8-bit state map H(x) = TABLE[x] >> 8."""
    from ecer.protocol.hj212.crc import _POWERS, TABLE

    high = [value >> 8 for value in TABLE]
    eighth = list(range(256))
    for _ in range(8):
        eighth = [high[x] for x in eighth]
    assert eighth == list(range(256))
    assert _POWERS[1] == tuple(high)


@given(st.binary(min_size=1, max_size=12_000), st.integers(0, 0xFFFF))
def test_lanes_match_the_literal_algorithm_on_long_input(data: bytes, reg: int) -> None:
    """Every fold depth (up to a 9999-byte streamed segment) and every starting register."""
    literal = reg
    for byte in data:
        literal = _literal_step(literal, byte)
    assert hj212_crc16(data, reg) == literal


def _literal_step(reg: int, byte: int) -> int:
    """One byte of Appendix A, steps 3-7, without a table."""
    reg = (reg >> 8) ^ byte
    for _ in range(8):
        reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
    return reg
