"""The event loop of the gateway processes: uvloop when it is installed, else asyncio's own.

The gateway spends most of its CPU in the event loop's transports and callbacks (one read, one
publish, one PubAck and one write per packet); uvloop runs those in C (libuv). It is optional:
without it, or with ``ECER_LOOP=asyncio`` (to compare, or to rule the loop out), the default loop
runs. Installed as the loop policy, so the ``asyncio.run`` of ``ecer.services.lake.run_gateway``
picks it up; call it once at the start of a process, before any loop exists.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os

log = logging.getLogger("ecer.scale")
ENV: str = "ECER_LOOP"  # "uvloop" (default when importable) or "asyncio"


def install() -> str:
    """Make the loop policy uvloop's when wanted and importable; returns the loop's name."""
    wanted = os.environ.get(ENV, "uvloop").strip().lower() or "uvloop"
    if wanted == "asyncio":
        return "asyncio"
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        if wanted == "uvloop" and ENV in os.environ:
            log.warning("%s=uvloop but uvloop is not installed: asyncio's loop runs", ENV)
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"
