"""Liveness and version: public, so load balancers can probe the service."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ecer import __version__
from ecer.storage.db import current_revision, head_revision

PUBLIC = True  # load balancers probe it without credentials
router = APIRouter(prefix="/api/v1", tags=["系统"])


@router.get("/health", summary="服务状态")
def health(request: Request) -> dict[str, object]:
    state = request.app.state
    if getattr(state, "head_revision", None) is None:
        state.head_revision = head_revision()  # reads every migration script: once per process
    revision = current_revision(state.database_url)
    # warm_up: "running" while this worker computes the main pages' figures after starting (its first
    # answers are slower), then "done"; "off" when the app was not started by ``ecer serve``
    return {"status": "ok" if revision == state.head_revision else "schema-outdated", "version": __version__,
            "schema_revision": revision, "warm_up": getattr(state, "warm_up", "off")}
