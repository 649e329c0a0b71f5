"""Download the official reports (节能形势分析报告, 考核结果) from the pages: the same writers as ``ecer report``.

The documents cover every district, so only users who read all regions (市级用户, 系统管理员, 只读) may download them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from ecer.domain.energy.periods import parse_period
from ecer.domain.errors import EcerError
from ecer.web.auth import PrincipalDep
from ecer.web.deps import SessionDep

router = APIRouter(include_in_schema=False)
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _send(path: Path, name: str, folder: tempfile.TemporaryDirectory) -> FileResponse:
    return FileResponse(path, media_type=MEDIA[path.suffix[1:]], filename=name,
                        background=BackgroundTask(folder.cleanup))


def _check(principal: PrincipalDep) -> None:
    if not principal.reads_all_regions:
        raise EcerError("ACCESS_DENIED", "报告涵盖全部地区，仅市级用户、只读用户和系统管理员可下载")


def _year(session: SessionDep, year: int | None) -> int:
    """The requested year, else the latest with approved full-year statistics."""
    from ecer.services.dashboard import current_plan, latest_year

    return year if year is not None else latest_year(session, current_plan(session))


@router.get("/reports/situation")
def situation(request: Request, principal: PrincipalDep, session: SessionDep, year: int | None = None,
              period: str = "全年",
              format: Literal["docx", "pdf"] = "docx") -> FileResponse:
    from ecer.reports.situation import write_situation_report

    _check(principal)
    year = _year(session, year)
    chosen = parse_period(period)
    folder = tempfile.TemporaryDirectory(prefix="ecer-report-")
    out = Path(folder.name) / f"situation.{format}"
    write_situation_report(request.app.state.database_url, year, chosen, out)
    return _send(out, f"节能形势分析报告-{year}{chosen.value}.{format}", folder)


@router.get("/reports/assessment")
def assessment(request: Request, principal: PrincipalDep, session: SessionDep, year: int | None = None,
               format: Literal["docx", "pdf", "xlsx"] = "docx") -> FileResponse:
    from ecer.reports.assessment import write_assessment_report

    _check(principal)
    year = _year(session, year)
    folder = tempfile.TemporaryDirectory(prefix="ecer-report-")
    out = Path(folder.name) / f"assessment.{format}"
    write_assessment_report(request.app.state.database_url, year, out)
    return _send(out, f"考核结果-{year}.{format}", folder)
