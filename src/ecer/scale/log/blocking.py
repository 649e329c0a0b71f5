"""The JetStream log for synchronous callers (the web API's request threads).

One NATS connection per process, driven by an event loop on a daemon thread; a request thread
hands it a batch and blocks until every message of the batch has its PubAck (or one failed). The
messages of a batch are sent together (``submit``), so a batch of a thousand readings costs about
one round trip, not a thousand. A receipt marked duplicate means the log already held that
message id: sent before, or stored by this batch's own first attempt when the connection dropped
before its PubAck arrived and the message was sent again.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from ecer.domain.errors import EcerError
from ecer.scale.log.base import Stored
from ecer.scale.log.jetstream import JetStreamLog, StreamOptions

YIELD_EVERY = 256  # messages sent between two turns of the event loop


class BlockingLog:
    """``BlockingLog.connect(url).store([(subject, data, msg_id), …])`` → receipts, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, journal: JetStreamLog, thread: threading.Thread) -> None:
        self._loop, self._journal, self._thread = loop, journal, thread

    @classmethod
    def connect(cls, url: str, options: StreamOptions | None = None, timeout: float = 30.0) -> BlockingLog:
        """Connect (creating or updating the stream); raises ``SCALE_LOG_*`` errors as ``JetStreamLog`` does."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="ecer-log", daemon=True)
        thread.start()
        try:
            journal = asyncio.run_coroutine_threadsafe(JetStreamLog.connect(url, options), loop).result(timeout)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            raise
        return cls(loop, journal, thread)

    def store(self, messages: Sequence[tuple[str, bytes, str]], timeout: float = 60.0) -> list[Stored]:
        """Publish every message and return once the log stored all of them."""

        async def all_stored() -> list[Stored]:
            receipts = []
            for n, (subject, data, msg_id) in enumerate(messages, 1):
                receipts.append(await self._journal.submit(subject, data, msg_id))
                if n % YIELD_EVERY == 0:  # let the connection read PubAcks while a large batch goes out
                    await asyncio.sleep(0)
            return list(await asyncio.gather(*receipts))

        try:
            return asyncio.run_coroutine_threadsafe(all_stored(), self._loop).result(timeout)
        except EcerError:
            raise
        except Exception as exc:  # timed out, or the connection is gone
            raise EcerError("SCALE_LOG_NOT_STORED", f"{exc.__class__.__name__} {exc}") from exc

    def close(self) -> None:
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._journal.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
