"""Every API list the same way: filters in the query string, pages, and export as CSV or XLSX.

``?format=json`` (default) answers ``{"items", "total", "page", "page_size"}``; ``csv`` and ``xlsx``
answer every filtered row (no paging) with the item schema's field names as headers, as a download.
Numbers stay numbers (CSV: decimal text; XLSX: numeric cells), through the CLI's ``jsonable``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote

from fastapi import Query, Response
from pydantic import BaseModel, PlainSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ecer.cli.output import jsonable

T = TypeVar("T")
MAX_PAGE_SIZE = 500


def _number(value: Any) -> Any:
    return jsonable(value)


# Decimals leave the API as JSON numbers (ints when integral), as the CLI prints them.
Number = Annotated[Any, PlainSerializer(_number, when_used="json")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class ListParams(BaseModel):
    page: int = 1
    page_size: int = 50
    format: Literal["json", "csv", "xlsx"] = "json"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def list_params(
    page: Annotated[int, Query(ge=1, description="页码，从 1 开始")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数")] = 50,
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="json、csv 或 xlsx（导出全部）")] = "json",
) -> ListParams:
    return ListParams(page=page, page_size=page_size, format=format)


def export(rows: Sequence[dict[str, Any]], fields: Sequence[str], fmt: str, name: str) -> Response:
    """Rows as a CSV (UTF-8 with BOM, so Excel opens the Chinese right) or XLSX download."""
    values = [[jsonable(row.get(f)) for f in fields] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(fields)
        writer.writerows([["" if v is None else _csv_text(v) for v in line] for line in values])
        body, media = ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(name[:31])
        sheet.append(list(fields))
        for line in values:
            sheet.append([_xlsx_value(v) for v in line])
        out = io.BytesIO()
        workbook.save(out)
        body = out.getvalue()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"{name}.{fmt}"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def _csv_text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _xlsx_value(value: Any) -> Any:
    return _csv_text(value) if isinstance(value, (list, dict)) else value


def respond(rows: list[dict[str, Any]], model: type[BaseModel], params: ListParams, name: str) -> Any:
    """Page or export an in-memory list (plan-sized lists)."""
    if params.format != "json":
        return export(rows, list(model.model_fields), params.format, name)
    page = rows[params.offset:params.offset + params.page_size]
    return {"items": page, "total": len(rows), "page": params.page, "page_size": params.page_size}


def respond_query(session: Session, query: Select[Any], to_row: Any, model: type[BaseModel], params: ListParams,
                  name: str) -> Any:
    """Page or export a database query: the count and the page are fetched, not the whole table."""
    if params.format != "json":
        return export([to_row(r) for r in session.scalars(query)], list(model.model_fields), params.format, name)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = [to_row(r) for r in session.scalars(query.offset(params.offset).limit(params.page_size))]
    return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}
