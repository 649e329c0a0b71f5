"""The HJ 212 checksum (Appendix A) and the CRC-16/MODBUS variants some data loggers send instead.

Appendix A's register update is ``crc = (crc >> 8) ^ byte`` followed by eight reflected shifts
with polynomial 0xA001. That is NOT CRC-16/MODBUS (which XORs the byte into the *low* byte and
keeps the high byte): because ``(crc >> 8) ^ byte`` is below 256, the eight shifts are exactly one
lookup in the usual reflected 0xA001 table, so each byte costs ``crc = TABLE[(crc >> 8) ^ byte]``.

The standard's own example is checked in the tests: the data segment
``QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&``
has the checksum 0x1C80 (the frame prints ``1C80``; the prose after it misprints ``1C08``).

References
----------
.. [1] HJ 212-2017 污染物在线监控（监测）系统数据传输标准, Appendix A (normative), CRC16_Checkout.
.. [2] GB/T 19582-2008 基于 Modbus 协议的工业自动化网络规范 (CRC-16/MODBUS: init 0xFFFF, poly 0xA001 reflected).
"""

from __future__ import annotations

import sys
from typing import Final, Literal

CrcVariant = Literal["hj212", "modbus", "modbus-swapped"]

POLYNOMIAL: Final = 0xA001  # HJ 212-2017 Appendix A step 6: the reflected form of x^16 + x^15 + x^2 + 1
INITIAL: Final = 0xFFFF  # HJ 212-2017 Appendix A step 1


def _table() -> tuple[int, ...]:
    """The 256 results of eight reflected shifts with ``POLYNOMIAL`` (Appendix A steps 4-7)."""
    rows = []
    for index in range(256):
        reg = index
        for _ in range(8):
            reg = (reg >> 1) ^ POLYNOMIAL if reg & 1 else reg >> 1
        rows.append(reg)
    return tuple(rows)


TABLE: Final = _table()
#: Appendix A keeps only the high byte between steps (``crc = TABLE[(crc >> 8) ^ byte]``), so the
#: running state is 8 bits; this table advances it by two bytes at once, indexed by a native
#: little-endian 16-bit word XOR the state (the state meets the first byte, the low one).
_HIGH: Final = tuple(value >> 8 for value in TABLE)
_PAIRS: Final = tuple(_HIGH[_HIGH[word & 0xFF] ^ (word >> 8)] for word in range(65536))
_LITTLE: Final = sys.byteorder == "little"


def hj212_crc16(data: bytes, reg: int = INITIAL) -> int:
    """Appendix A's CRC16 over ``data`` (the data segment as received).

    Parameters
    ----------
    data : bytes
        The data segment, from ``QN=`` (or the first field) to the closing ``&&``.
    reg : int
        The register to continue from: a previous call's result when the segment comes in pieces.

    Returns
    -------
    int
        The 16-bit checksum; the packet carries it as 4 hex digits, high byte first.

    Examples
    --------
    >>> f"{hj212_crc16(b'QN=20160801085857223;ST=32;CN=1062;PW=100000;'
    ...     b'MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&'):04X}"
    '1C80'
    """
    n = len(data)
    if n == 0:
        return reg
    if not _LITTLE:
        for byte in data:
            reg = TABLE[(reg >> 8) ^ byte]
        return reg
    state = reg >> 8
    body = n - 1  # every byte but the last only moves the 8-bit state; the last yields all 16 bits
    start = body & 1
    if start:
        state = _HIGH[state ^ data[0]]
    if body > start:
        pairs = _PAIRS
        for word in memoryview(bytes(data[start:body])).cast("H"):
            state = pairs[state ^ word]
    return TABLE[state ^ data[body]]


def modbus_crc16(data: bytes, reg: int = INITIAL) -> int:
    """CRC-16/MODBUS over ``data``, as some data loggers wrongly send in place of Appendix A's.

    ``reg`` continues from a previous call's result, as in ``hj212_crc16``.

    Examples
    --------
    >>> f"{modbus_crc16(b'123456789'):04X}"
    '4B37'
    """
    table = TABLE
    for byte in data:
        reg = (reg >> 8) ^ table[(reg ^ byte) & 0xFF]
    return reg


def swap_bytes(value: int) -> int:
    """Exchange the two bytes of a 16-bit value (Modbus ``ECA6`` sent as ``A6EC``)."""
    return ((value & 0xFF) << 8) | (value >> 8)


def format_crc(value: int) -> str:
    """Four uppercase hex digits, as Appendix A's example prints them."""
    return f"{value:04X}"


def identify(data: bytes, received: int, expected: int | None = None) -> CrcVariant | None:
    """Which known algorithm produced ``received`` over ``data``; ``None`` when none does.

    ``expected`` may pass an already computed Appendix A value to save the work.
    """
    if expected is None:
        expected = hj212_crc16(data)
    if received == expected:
        return "hj212"
    modbus = modbus_crc16(data)
    if received == modbus:
        return "modbus"
    if received == swap_bytes(modbus):
        return "modbus-swapped"
    return None
