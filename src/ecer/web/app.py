"""The FastAPI application ``ecer.web``: REST API under /api/v1, pages (web issue), docs at /api/docs.

Capabilities add routers by listing their module in ``ecer.web.routers.ROUTERS``; each module
exposes ``router`` (an ``APIRouter``) and, for API routes, its own prefix under ``/api/v1``.
"""

from __future__ import annotations

import importlib

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ecer import __version__, config
from ecer.domain.errors import ERRORS, EcerError, Kind
from ecer.web.routers import ROUTERS

STATUS_FOR_CODE = {"NOT_FOUND": 404, "DB_NOT_INITIALISED": 503, "DB_SCHEMA_OUTDATED": 503}


def create_app(database_url: str | None = None) -> FastAPI:
    app = FastAPI(
        title="ECER 节能减排目标管理与监测预警平台",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.database_url = database_url or config.database_url()

    @app.exception_handler(EcerError)
    async def ecer_error(_request: Request, exc: EcerError) -> JSONResponse:
        first = exc.problems[0].code
        status = STATUS_FOR_CODE.get(first, 422 if ERRORS[first].kind is Kind.INPUT else 409)
        return JSONResponse(
            status_code=status,
            content={"code": first, "message": exc.problems[0].message,
                     "errors": [p.as_dict() for p in exc.problems]},
        )

    for name in ROUTERS:
        module = importlib.import_module(name)
        app.include_router(module.router)
    return app
