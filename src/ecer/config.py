"""Settings read from the environment, so the same code serves a laptop and a city's server."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATABASE_FILE = "ecer.sqlite3"


def database_url() -> str:
    """``ECER_DATABASE_URL`` (e.g. ``postgresql+psycopg://…``), else SQLite in the working folder."""
    url = os.environ.get("ECER_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"


def log_url() -> str | None:
    """``ECER_LOG_URL`` (``nats://host:port[,…]``): the durable log the scale tier writes to; None: no log."""
    return os.environ.get("ECER_LOG_URL", "").strip() or None


def current_user() -> str:
    """Who a CLI action is recorded as: ``ECER_USER`` or the login name."""
    return os.environ.get("ECER_USER") or os.environ.get("USER") or "cli"
