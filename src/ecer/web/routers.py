"""Modules whose ``router`` the application mounts; a capability adds one line here."""

from __future__ import annotations

ROUTERS: list[str] = [
    "ecer.web.api.meta",  # /api/v1/health
]
