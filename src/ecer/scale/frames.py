"""The codec's ``Framer`` with a shortcut for the usual read: whole frames back to back.

A busy data logger's read usually holds complete packets and nothing else. For such a read the
codec's ``Framer`` builds a ``Frame`` object per packet after a few searches of its buffer; here
one ``splitlines`` gives the packets as ``bytes``. The shortcut is taken only where the ``Framer``
would do exactly the same (tested against it on random streams): it holds no bytes of a packet
begun earlier, never gave up on over-long input (``Discarded``: it may be skipping), and each line
starts with ``##`` without a third ``#``, ends with CR LF, holds no other ``##`` and fits the
longest frame. From the first line that does not, the rest of the read goes to the ``Framer``.
"""

from __future__ import annotations

from ecer.protocol.hj212 import framer as _framer


class Cutter:
    """``cutter.feed(data)`` → frames (``bytes``, ``##`` to CR LF) and the ``Framer``'s other events, in order."""

    def __init__(self, max_data_length: int = _framer.MAX_DATA_LENGTH) -> None:
        self.framer = _framer.Framer(max_data_length)
        self.max_frame = self.framer.max_frame
        self._framer_only = False  # a ``Discarded`` was seen: the framer may be skipping input

    def feed(self, data: bytes) -> list[bytes | _framer.Event]:
        """Cut ``data``; ``b""`` ends the stream (the ``Framer``'s ``Truncated``/``Closed`` follow)."""
        out: list[bytes | _framer.Event] = []
        rest = 0
        if (data[-2:] == b"\r\n" and data[:2] == b"##" and not self._framer_only
                and not self.framer.buffered):
            limit = self.max_frame
            for line in data.splitlines(keepends=True):
                if (line[:2] != b"##" or line[-2:] != b"\r\n" or line[2:3] == b"#" or len(line) > limit
                        or line.find(b"##", 2) >= 0):
                    break
                out.append(line)
                rest += len(line)
            if rest == len(data):
                return out
        self.framer.receive_data(data[rest:] if rest else data)
        for event in self.framer.events():
            if isinstance(event, _framer.Frame):
                out.append(event.raw)
            else:
                if isinstance(event, _framer.Discarded):
                    self._framer_only = True
                out.append(event)
        return out
