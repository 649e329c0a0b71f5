"""Pages of modules that other issues build (key units, monitoring, projects): they say so for now."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecer.web.auth import PrincipalDep
from ecer.web.pages.rendering import render

router = APIRouter(include_in_schema=False)
COMING = {
}


def _page(path: str):  # type: ignore[no-untyped-def]
    title, description = COMING[path]

    def page(request: Request, principal: PrincipalDep) -> HTMLResponse:
        return render(request, "placeholder.html", principal, title=title, description=description)

    return page


for _path in COMING:
    router.add_api_route(_path, _page(_path), methods=["GET"], response_class=HTMLResponse)
