"""Rendering pages: the Jinja2 environment, the navigation, number formats and the error page.

A capability adds a page by writing a router module under ``ecer.web.pages`` (listed in
``ecer.web.routers.ROUTERS``), a template extending ``base.html``, and one entry in ``NAV``.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from decimal import Decimal
from pathlib import Path
from threading import Lock
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from ecer import __version__
from ecer.cli.output import jsonable
from ecer.domain.errors import EcerError
from ecer.services.derived_cache import data_version
from ecer.web.access import ROLES, Principal

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

# (path, label, roles that see it or None for everyone); order = order in the bar
NAV: list[tuple[str, str, frozenset[str] | None]] = [
    ("/", "总览", None),
    ("/regions", "地区", None),
    ("/indicators", "指标", None),
    ("/units", "重点用能单位", None),
    ("/twohigh", "“两高”项目", None),
    ("/monitoring", "在线监测", None),
    ("/projects", "重点工程", None),
    ("/environment", "环境质量", None),
    ("/assessment", "考核评价", frozenset({"admin", "city", "district", "readonly"})),
    ("/submissions", "数据报送", None),
    ("/admin", "系统管理", frozenset({"admin"})),
]
LEVEL_ZH = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色", None: "数据不全"}
STATUS_ZH = {"draft": "草稿", "submitted": "待审核", "approved": "已通过", "returned": "已退回"}


def pct(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{Decimal(str(value)) * 100:.{digits}f}%"


def num(value: Any, digits: int | None = 2) -> str:
    """Thousands separated; ``digits=None`` keeps the value's own decimals (a target as the plan prints it)."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if digits is None:
        places = max(0, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
        return f"{number:,.{places}f}"
    return f"{number:,.{digits}f}"


def to_json(value: Any) -> Markup:
    """Data for a chart, embedded in <script type="application/json">: '<', '>' and '&' escaped as JSON."""
    text = json.dumps(jsonable(value), ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


TEMPLATES.env.filters.update(pct=pct, num=num, tojson_safe=to_json)
TEMPLATES.env.globals.update(LEVEL_ZH=LEVEL_ZH, STATUS_ZH=STATUS_ZH, ROLES=ROLES, version=__version__)


def _page_context(request: Request, principal: Principal | None, csrf_token: str) -> dict[str, Any]:
    nav = [(path, label) for path, label, roles in NAV
           if principal is not None and (roles is None or principal.role in roles)]
    return {"request": request, "principal": principal, "nav": nav, "csrf_token": csrf_token,
            "path": request.url.path}


def render(request: Request, name: str, principal: Principal | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    base = _page_context(request, principal, getattr(request.state, "csrf_token", ""))
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


# Pages rendered once per data version and user (``render_cached``): the CSRF token is written as a
# random placeholder, replaced by the asking session's token on every answer.
PAGE_CACHE_SIZE = 256
_CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
_pages: OrderedDict[tuple[Hashable, ...], str] = OrderedDict()
_pages_lock = Lock()


def render_cached(request: Request, session: Any, principal: Principal, name: str, models: tuple[Any, ...],
                  params: tuple[Hashable, ...], context: Callable[[], dict[str, Any]], *,
                  count: bool = False) -> HTMLResponse:
    """A page whose content follows only from the rows of ``models``, who asks and ``params``.

    The home page is the page everyone opens, many times a day, and its figures change only with an
    import or a review: rendering it once per data version (one cheap query, ``data_version``) and
    user takes its cost from tens of milliseconds to about one. ``models`` must hold every table the
    page reads; tables are compared by highest id and latest change time, and by row count with
    ``count`` (tables whose rows may change in place without a change time).
    """
    key = (name, str(session.get_bind().url), request.url.path, principal, params,
           data_version(session, *models, count=count))
    with _pages_lock:
        text = _pages.get(key)
        if text is not None:
            _pages.move_to_end(key)
    if text is None:
        text = TEMPLATES.get_template(name).render({**_page_context(request, principal, _CSRF_PLACEHOLDER),
                                                    **context()})
        with _pages_lock:
            _pages[key] = text
            while len(_pages) > PAGE_CACHE_SIZE:
                _pages.popitem(last=False)
    return HTMLResponse(text.replace(_CSRF_PLACEHOLDER, getattr(request.state, "csrf_token", "")))


def error_page(request: Request, status: int, exc: EcerError) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    return render(request, "error.html", principal, status_code=status, status=status,
                  problems=exc.problems)
