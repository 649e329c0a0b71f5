"""The FastAPI application ``ecer.web``: REST API under /api/v1, pages, docs at /api/docs.

Capabilities add routers by listing their module in ``ecer.web.routers.ROUTERS``; each module
exposes ``router`` (an ``APIRouter``). Every router requires a logged-in principal
(``ecer.web.auth.require_principal``) unless its module says ``PUBLIC = True``: protection is the
default, so a router added later cannot be left open by mistake.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from ecer import __version__, config
from ecer.domain.errors import ERRORS, EcerError, Kind
from ecer.web.auth import NotAuthenticated, require_principal
from ecer.web.routers import ROUTERS

STATUS_FOR_CODE = {"NOT_FOUND": 404, "DB_NOT_INITIALISED": 503, "DB_SCHEMA_OUTDATED": 503,
                   "AUTH_REQUIRED": 401, "AUTH_BAD_CREDENTIALS": 401, "AUTH_THROTTLED": 429,
                   "AUTH_CSRF": 403, "ACCESS_DENIED": 403, "UPLOAD_TOO_LARGE": 413}
STATIC = Path(__file__).resolve().parent / "static"
PUBLIC_PREFIXES = ("/api/docs", "/api/openapi.json", "/static/")
REQUEST_THREADS = 8  # per worker process; at most POOL_SIZE (database connections)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """``ecer serve`` sets ECER_WARM_UP=1: each worker computes the derived figures in the background
    as it starts, so the first visitors do not wait for them (tests and embedding apps skip this)."""
    # Sync handlers run in anyio's thread pool (40 threads by default). Requests are mostly Python
    # holding the GIL: many threads share it unevenly, and a request's latency stretches with each one
    # (p99 at 50 clients: 350-390 ms with 16 threads, 130-190 ms with 8 or 4). Eight leave room for a
    # slow request (a report, an export) without holding up the others.
    anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
    if os.environ.get("ECER_WARM_UP") == "1":
        app.state.warm_up = "running"  # reported by /api/v1/health
        threading.Thread(target=_warm_up, args=(app,), name="ecer-warm-up", daemon=True).start()
    yield


def _warm_up(app: FastAPI) -> None:
    from ecer.services.warmup import warm_up

    try:
        warm_up(app.state.database_url)
        # The cached figures live as long as the process: move them out of the collector's reach, and
        # collect the young generation less often (each request allocates thousands of short-lived
        # objects), so full collections do not stop a request for tens of milliseconds.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 20, 100)
    except Exception:  # a page computes its figures itself when this fails
        logging.getLogger("ecer.web").exception("warm-up failed")
    finally:
        app.state.warm_up = "done"


def create_app(database_url: str | None = None) -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="ECER 节能减排目标管理与监测预警平台",
        version=__version__,
        docs_url=None,  # served below from /static/vendor: nothing from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.database_url = database_url or config.database_url()
    # pages and lists are repetitive text: ~5-10× smaller; level 6 compresses a page in a third of level 9's time
    # for a few per cent more bytes
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)

    @app.exception_handler(EcerError)
    async def ecer_error(request: Request, exc: EcerError) -> Response:
        first = exc.problems[0].code
        status = STATUS_FOR_CODE.get(first, 422 if ERRORS[first].kind is Kind.INPUT else 409)
        if not _is_api(request) and request.headers.get("hx-request") is None:
            from ecer.web.pages.rendering import error_page

            return error_page(request, status, exc)
        return JSONResponse(
            status_code=status,
            content={"code": first, "message": exc.problems[0].message,
                     "errors": [p.as_dict() for p in exc.problems]},
        )

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if _is_api(request):
            spec = ERRORS["AUTH_REQUIRED"]
            return JSONResponse(status_code=401, content={"code": "AUTH_REQUIRED", "message": spec.message_zh,
                                                          "errors": []},
                                headers={"WWW-Authenticate": 'Bearer realm="ecer"'})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": f"/login?next={quote(target)}"})
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="ECER API",
                                   swagger_js_url="/static/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for name in ROUTERS:
        module = importlib.import_module(name)
        guard = [] if getattr(module, "PUBLIC", False) else [Depends(require_principal)]
        app.include_router(module.router, dependencies=guard)
    return app
