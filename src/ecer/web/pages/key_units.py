"""重点用能单位 and “两高”项目 pages: lists with htmx filters, a unit's monthly energy, a project's log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecer.domain.energy.benchmarks import EfficiencyClass
from ecer.domain.energy.key_units import Category
from ecer.domain.energy.two_high import Status
from ecer.services import key_unit_views as views
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep
from ecer.web.pages.rendering import render, render_cached

router = APIRouter(include_in_schema=False)
# chip colours of the shared stylesheet for the efficiency class and the budget level
CLASS_CHIP = {"benchmark": "green", "between": "yellow", "below_baseline": "red", None: "none"}
BUDGET_CHIP = {"ok": "green", "attention": "yellow", "forecast_over": "red", "exceeded": "red", None: "none"}
FLAGS_ZH = {"over_10k_tce": "≥1万吨标准煤", "over_50k_tce": "≥5万吨标准煤"}
CATEGORY_SHORT = {"national": "≥1万吨标准煤", "designated": "5千～1万吨标准煤", "other": "一般用能单位"}
CLASS_ZH = {c.value: c.label_zh for c in EfficiencyClass}
CHIPS = {"class_chip": CLASS_CHIP, "class_zh": CLASS_ZH, "budget_chip": BUDGET_CHIP, "flags_zh": FLAGS_ZH, "category_short": CATEGORY_SHORT}


def _blank(value: str | None) -> str | None:
    """An empty select option means "all"."""
    return value or None


def _partial(request: Request) -> bool:
    """htmx asks for the table only (the filters stay on the page)."""
    return request.headers.get("HX-Request") == "true"


@router.get("/units", response_class=HTMLResponse)
def units(request: Request, session: SessionDep, principal: PrincipalDep, region: str | None = None,
          industry: str | None = None, category: str | None = None) -> HTMLResponse:
    region, industry, category = _blank(region), _blank(industry), _blank(category)
    # hundreds of rows: rendered once per data version and user (as the key-unit rows are computed once)
    if _partial(request):
        return render_cached(request, session, principal, "units_table.html", views.KEY_UNIT_DATA,
                             (region, industry, category), lambda: {"rows": views.unit_rows(
                                 session, principal, region=region, industry=industry, category=category), **CHIPS},
                             count=True)

    def context() -> dict[str, Any]:
        readable = views.readable_units(session, principal, None)
        return dict(rows=views.unit_rows(session, principal, region=region, industry=industry, category=category),
                    year=views.report_year(session), regions=sorted({u.region for u in readable}),
                    industries=sorted({(u.industry_code, u.industry_name) for u in readable}),
                    categories=[(c.value, c.label_zh) for c in Category],
                    chosen={"region": region, "industry": industry, "category": category}, **CHIPS)

    return render_cached(request, session, principal, "units.html", views.KEY_UNIT_DATA, (region, industry, category),
                         context, count=True)


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def unit(unit_id: int, request: Request, session: SessionDep, principal: PrincipalDep,
         year: int | None = None) -> HTMLResponse:
    detail = views.unit_detail(session, principal, unit_id, year)
    projects = views.twohigh_rows(session, principal, year=detail["year"])
    return render(request, "unit.html", principal, d=detail,
                  projects=[p for p in projects if p["credit_code"] == detail["credit_code"]],
                  chart={"monthly": detail["monthly"], "budget": detail.get("budget")}, **CHIPS)


@router.get("/twohigh", response_class=HTMLResponse)
def twohigh(request: Request, session: SessionDep, principal: PrincipalDep, region: str | None = None,
            status: str | None = None, flag: str | None = None) -> HTMLResponse:
    region, status, flag = _blank(region), _blank(status), _blank(flag)
    rows = views.twohigh_rows(session, principal, region=region, status=status, flag=flag)
    if _partial(request):
        return render(request, "twohigh_table.html", principal, rows=rows, **CHIPS)
    everything = views.twohigh_rows(session, principal)
    return render(request, "twohigh.html", principal, rows=rows, year=rows[0]["year"] if rows else None,
                  regions=sorted({r["region"] for r in everything}), statuses=[s.value for s in Status],
                  chosen={"region": region, "status": status, "flag": flag}, **CHIPS)


@router.get("/twohigh/{project_id}", response_class=HTMLResponse)
def twohigh_project(project_id: int, request: Request, session: SessionDep, principal: PrincipalDep,
                    year: int | None = None) -> HTMLResponse:
    p: dict[str, Any] = views.twohigh_detail(session, principal, project_id, year)
    return render(request, "twohigh_project.html", principal, p=p, **CHIPS)
