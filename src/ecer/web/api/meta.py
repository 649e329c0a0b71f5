"""Liveness and version: public, so load balancers can probe the service."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ecer import __version__
from ecer.storage.db import current_revision, head_revision

PUBLIC = True  # load balancers probe it without credentials
router = APIRouter(prefix="/api/v1", tags=["系统"])


@router.get("/health", summary="服务状态")
def health(request: Request) -> dict[str, object]:
    revision = current_revision(request.app.state.database_url)
    return {"status": "ok" if revision == head_revision() else "schema-outdated", "version": __version__,
            "schema_revision": revision}
