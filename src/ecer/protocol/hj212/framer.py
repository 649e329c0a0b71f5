"""Cut a TCP byte stream into HJ 212 packets: bytes in, events out (sans-I/O, like h11).

A packet starts with ``##`` and ends with the first CR LF after it (§6.3.1 Table 2: the data segment
is ASCII or UTF-8 text, so it holds no CR LF). The framer copes with sticky packets (several in one
read), split packets (one over several reads), bytes between packets (reported as ``Garbage``) and a
``##`` that turns out to start nothing (it resynchronises on the next ``##`` + 4 digits).

Memory is bounded: it never holds more than ``6 + max_data_length + 6`` bytes of a frame. A longer
frame is not buffered: the framer keeps its first bytes, streams the rest through both CRC
registers, and when the CR LF arrives reports an ``Oversize`` event carrying the length and the
CRC verdict, so a refused packet is still reported. Past ``6 + 9999 + 6`` bytes — more than the
4-digit length field can describe — it gives up with ``Discarded`` and resynchronises.

Usage::

    framer = Framer()
    framer.receive_data(chunk)          # b"" signals end of stream
    for event in framer.events():
        ...

References
----------
.. [1] HJ 212-2017, §6.3.1 Table 2 (包头 ##, 数据段长度 4 digits, 数据段 0 ≤ n ≤ 1024, CRC, 包尾 CR LF).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ecer.protocol.hj212.crc import INITIAL, hj212_crc16, modbus_crc16

MAX_DATA_LENGTH: Final = 1024  # Table 2: 0 ≤ n ≤ 1024
LENGTH_FIELD_MAX: Final = 9999  # four decimal digits
OVERHEAD: Final = 12  # "##" + 4-digit length + 4-digit CRC + CR LF
PREFIX_KEPT: Final = 160  # bytes of an over-long segment kept for the report (holds QN…Flag of Table 3)


@dataclass(frozen=True)
class Frame:
    """One complete packet, ``##`` to CR LF inclusive, exactly as received."""

    raw: bytes


@dataclass(frozen=True)
class Garbage:
    """Bytes outside any packet (before a ``##``, or a stray ``##`` that started nothing)."""

    data: bytes


@dataclass(frozen=True)
class Oversize:
    """A packet whose data segment passed the limit; its bytes were streamed, not kept."""

    declared: bytes
    prefix: bytes
    data_length: int
    crc_field: bytes
    crc_hj212: int
    crc_modbus: int


@dataclass(frozen=True)
class Discarded:
    """Input that ran past the longest describable packet without a CR LF."""

    prefix: bytes
    size: int


@dataclass(frozen=True)
class Truncated:
    """The stream ended inside a packet."""

    data: bytes


@dataclass(frozen=True)
class Closed:
    """End of stream; nothing follows."""


Event = Frame | Garbage | Oversize | Discarded | Truncated | Closed


class NeedData:
    """``next_event`` has nothing until more bytes arrive."""

    def __repr__(self) -> str:
        return "NEED_DATA"


NEED_DATA: Final = NeedData()

_SEEK, _FRAME, _OVERSIZE, _SKIP = range(4)


class Framer:
    """Stateful stream framer; one per connection."""

    def __init__(self, max_data_length: int = MAX_DATA_LENGTH) -> None:
        if not 0 <= max_data_length <= LENGTH_FIELD_MAX:
            raise ValueError(f"max_data_length must be 0..{LENGTH_FIELD_MAX}")
        self.max_data_length = max_data_length
        self.max_frame = OVERHEAD + max_data_length
        self._buf = bytearray()
        self._events: deque[Event] = deque()
        self._state = _SEEK
        self._scan = 2
        self._closed = False
        # over-long frame being streamed
        self._declared = b""
        self._prefix = b""
        self._count = 0
        self._hj = INITIAL
        self._mb = INITIAL

    @property
    def buffered(self) -> int:
        """Bytes held between calls; never more than ``max_frame`` after ``receive_data`` returns."""
        return len(self._buf)

    def receive_data(self, data: bytes) -> None:
        """Add bytes from the transport; ``b""`` means the peer closed the stream."""
        if self._closed:
            raise RuntimeError("receive_data after end of stream")
        if data:
            self._buf += data
            self._process()
        else:
            self._process()
            self._finish()

    def next_event(self) -> Event | NeedData:
        return self._events.popleft() if self._events else NEED_DATA

    def events(self) -> Iterator[Event]:
        """Drain the events produced so far."""
        while self._events:
            yield self._events.popleft()

    def _process(self) -> None:
        buf = self._buf
        emit = self._events.append
        while buf:
            state = self._state
            if state == _SEEK:
                start = buf.find(b"##")
                if start < 0:
                    keep = 1 if buf[-1:] == b"#" else 0
                    if len(buf) > keep:
                        emit(Garbage(bytes(buf[: len(buf) - keep])))
                        del buf[: len(buf) - keep]
                    return
                if start:
                    emit(Garbage(bytes(buf[:start])))
                    del buf[:start]
                self._state, self._scan = _FRAME, 2
            elif state == _FRAME:
                if buf[2:3] == b"#":  # "###0101…": the packet starts at the last two of a run of '#'
                    emit(Garbage(b"#"))
                    del buf[:1]
                    continue
                end = buf.find(b"\r\n", self._scan)
                if end < 0:
                    if len(buf) <= self.max_frame:
                        self._scan = max(2, len(buf) - 1)
                        return
                    self._start_oversize()
                    continue
                frame = bytes(buf[: end + 2])
                del buf[: end + 2]
                self._state = _SEEK
                if len(frame) > self.max_frame:  # arrived in one read: report it as if streamed
                    data = frame[6:-6]
                    emit(Oversize(frame[2:6], data[:PREFIX_KEPT], len(data), frame[-6:-2],
                                  hj212_crc16(data), modbus_crc16(data)))
                else:
                    self._emit_frame(frame)
            elif state == _OVERSIZE:
                self._stream_oversize()
                if self._state == _OVERSIZE:
                    return
            else:  # _SKIP: drop up to a CR LF or the next "##"
                crlf, start = buf.find(b"\r\n"), buf.find(b"##")
                if crlf < 0 and start < 0:
                    keep = 1 if buf[-1:] in (b"#", b"\r") else 0
                    del buf[: len(buf) - keep]
                    return
                if start >= 0 and (crlf < 0 or start < crlf):
                    del buf[:start]
                else:
                    del buf[: crlf + 2]
                self._state = _SEEK

    def _emit_frame(self, frame: bytes) -> None:
        """Split off junk before a later ``##dddd`` (a stray ``##`` earlier in the same line)."""
        again = frame.find(b"##", 1)
        while again > 0:
            if frame[again + 2: again + 6].isdigit():
                self._events.append(Garbage(frame[:again]))
                frame = frame[again:]
                again = frame.find(b"##", 1)
            else:
                again = frame.find(b"##", again + 1)
        self._events.append(Frame(frame))

    def _start_oversize(self) -> None:
        buf = self._buf
        self._declared = bytes(buf[2:6])
        self._prefix = bytes(buf[6: 6 + PREFIX_KEPT])
        self._count = 0
        self._hj = self._mb = INITIAL
        del buf[:6]
        self._state = _OVERSIZE

    def _stream_oversize(self) -> None:
        """Feed bytes older than the last 5 (a CRC field and a CR may be among them) to the CRCs."""
        buf = self._buf
        end = buf.find(b"\r\n")
        if end >= 0:
            data_end = max(0, end - 4)
            self._feed(bytes(buf[:data_end]))
            crc_field = bytes(buf[data_end:end])
            del buf[: end + 2]
            self._events.append(Oversize(self._declared, self._prefix, self._count, crc_field, self._hj, self._mb))
            self._state = _SEEK
            return
        if len(buf) > 5:
            self._feed(bytes(buf[:-5]))
            del buf[:-5]
        if self._count > LENGTH_FIELD_MAX:
            self._events.append(Discarded(b"##" + self._declared + self._prefix, self._count + 6 + len(buf)))
            self._state = _SKIP

    def _feed(self, data: bytes) -> None:
        self._hj = hj212_crc16(data, self._hj)
        self._mb = modbus_crc16(data, self._mb)
        self._count += len(data)

    def _finish(self) -> None:
        self._closed = True
        if self._buf:
            if self._state == _FRAME:
                self._events.append(Truncated(bytes(self._buf)))
            elif self._state == _SEEK:
                self._events.append(Garbage(bytes(self._buf)))
            self._buf.clear()
        if self._state == _OVERSIZE:
            self._events.append(Truncated(b"##" + self._declared + self._prefix))
        self._state = _SEEK
        self._events.append(Closed())
