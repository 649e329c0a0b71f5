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
#: Appendix A keeps only the high byte between bytes (``crc = TABLE[(crc >> 8) ^ byte]``), so the
#: running state is 8 bits and moves by ``H(x) = TABLE[x] >> 8``, a GF(2)-linear map whose eighth
#: power is the identity (``H⁸ = I``, checked in the tests). ``_POWERS[k]`` tabulates ``H^k``.
_HIGH: Final = tuple(value >> 8 for value in TABLE)


def _powers() -> tuple[tuple[int, ...], ...]:
    rows = [tuple(range(256))]
    for _ in range(7):
        rows.append(tuple(_HIGH[x] for x in rows[-1]))
    return tuple(rows)


_POWERS: Final = _powers()
#: ``_LANES[r][j]``: the power applied to the bytes in lane ``j`` (offset ≡ j mod 8) when the last
#: byte is at an offset ≡ r mod 8.
_LANES: Final = tuple(tuple(_POWERS[(r - j) % 8] for j in range(8)) for r in range(8))


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

    Notes
    -----
    With ``s`` the 8-bit state, ``b_0 … b_L`` the bytes and ``H`` as above, unrolling the loop gives

    ::

        s_L ⊕ b_L = H^L(s_0) ⊕ XOR over i = 0..L of H^((L - i) mod 8)(b_i),   crc = TABLE[s_L ⊕ b_L]

    because ``H`` is linear and ``H⁸ = I``. Bytes whose offsets agree mod 8 meet the same power, so
    they are XORed together first (the segment read as one integer, folded in halves down to 64
    bits: C-speed work), leaving eight table lookups instead of one per byte.

    Examples
    --------
    >>> segment = (b'QN=20160801085857223;ST=32;CN=1062;PW=100000;'
    ...            b'MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&')
    >>> format_crc(hj212_crc16(segment))
    '1C80'
    """
    n = len(data)
    if n == 0:
        return reg
    last = (n - 1) & 7
    return TABLE[_POWERS[last][reg >> 8] ^ _lane_sum(data, last)]


def _lane_sum(data: bytes, last: int) -> int:
    """XOR of ``H^((L - i) mod 8)(b_i)`` over the bytes of ``data`` (``last`` = L mod 8, L = len - 1)."""
    n = len(data)
    lanes = int.from_bytes(data, "little")  # byte i sits in bits 8i..8i+7: lane i mod 8 after folding
    bits = (n + 7) >> 3 << 6
    while bits > 64:
        half = (bits + 64) >> 7 << 6  # a multiple of 64 bits keeps every byte in its lane
        lanes = (lanes >> half) ^ (lanes & ((1 << half) - 1))
        bits = half
    b = lanes.to_bytes(8, "little")
    p0, p1, p2, p3, p4, p5, p6, p7 = _LANES[last]
    return p0[b[0]] ^ p1[b[1]] ^ p2[b[2]] ^ p3[b[3]] ^ p4[b[4]] ^ p5[b[5]] ^ p6[b[6]] ^ p7[b[7]]


class ConstantTail:
    """Appendix A's CRC continued over bytes known in advance, in constant time.

    ``ConstantTail(tail).after(reg) == hj212_crc16(tail, reg)``: the tail's lanes are summed once, so a
    reply whose segment ends in fixed text (``;ST=91;CN=9014;PW=…;MN=…;Flag=4;CP=&&&&`` after the
    upload's QN) costs only the CRC of its variable start.
    """

    __slots__ = ("_power", "_sum", "tail")

    def __init__(self, tail: bytes) -> None:
        if not tail:
            raise ValueError("empty tail")
        self.tail = tail
        last = (len(tail) - 1) & 7
        self._power = _POWERS[last]
        self._sum = _lane_sum(tail, last)

    def after(self, reg: int) -> int:
        """The CRC of ``head + tail`` given ``reg = hj212_crc16(head)``."""
        return TABLE[self._power[reg >> 8] ^ self._sum]


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
