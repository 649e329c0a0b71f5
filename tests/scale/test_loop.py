"""The gateway processes' event loop choice (``ecer.scale.loop``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PROBE = ("import asyncio\nfrom ecer.scale import loop\nname = loop.install()\n"
          "async def kind(): return type(asyncio.get_running_loop()).__module__\n"
          "print(name, asyncio.run(kind()))")


def _run(env_value: str | None) -> list[str]:
    """In a fresh interpreter: the policy is process-wide, so the test's own loop stays untouched."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "ECER_LOOP"}
    if env_value is not None:
        env["ECER_LOOP"] = env_value
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, check=True, capture_output=True, text=True)
    return out.stdout.split()


def test_uvloop_when_installed() -> None:
    pytest.importorskip("uvloop")
    assert _run(None) == ["uvloop", "uvloop"]


def test_asyncio_when_asked() -> None:
    name, module = _run("asyncio")
    assert (name, module.split(".")[0]) == ("asyncio", "asyncio")
