"""Every API list the same way: filters in the query string, pages, and export as CSV or XLSX.

``?format=json`` (default) answers ``{"items", "total", "page", "page_size"}``; ``csv`` and ``xlsx``
answer every filtered row (no paging) as a download. CSV keeps the item schema's snake_case field
names as headers (other tools read them; ``?headers=zh`` gives the Chinese titles with units instead);
XLSX is for people: ``ecer.reports.xlsx`` writes a title row (the list, its filters and the export
time), Chinese headers with units, numeric cells in each field's number format and a frozen header,
all from the schema's :func:`ecer.web.columns.column` declarations.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote

from fastapi import Query, Request, Response
from pydantic import BaseModel, PlainSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ecer.cli.output import jsonable
from ecer.reports.xlsx import XlsxColumn, XlsxTable, write_xlsx
from ecer.web.columns import code_labels, xlsx_columns

T = TypeVar("T")
MAX_PAGE_SIZE = 500
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))  # exports show Beijing time, as the pages do
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_FILTERS = {"page", "page_size", "format", "headers"}
# Query parameters as the title row of an XLSX export names them; others keep their own name.
FILTER_LABELS = {
    "region": "地区", "year": "年份", "month": "月份", "period": "期间", "status": "状态", "kind": "类型",
    "level": "预警等级", "industry": "行业", "category": "类别", "scope": "范围", "flag": "标志", "mn": "点位 MN",
    "cn": "命令编码", "from": "起始时间", "to": "截止时间", "actor": "操作人", "action": "操作",
    "project_status": "工程状态",
}


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
    headers: Literal["field", "zh"] = "field"
    title: str = ""  # the route's summary: the XLSX title row names the list by it
    filters: dict[str, str] = {}  # query parameters other than paging and format, by their Chinese label

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def list_params(
    request: Request,
    page: Annotated[int, Query(ge=1, description="页码，从 1 开始")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数")] = 50,
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="json、csv 或 xlsx（导出全部）")] = "json",
    headers: Annotated[Literal["field", "zh"], Query(
        description="CSV 表头：field（字段名，默认，供程序读取）或 zh（中文标题和单位）；xlsx 总是中文")] = "field",
) -> ListParams:
    route = request.scope.get("route")
    filters = {FILTER_LABELS.get(key, key): value for key, value in request.query_params.items()
               if key not in NOT_FILTERS and value != ""}
    return ListParams(page=page, page_size=page_size, format=format, headers=headers,
                      title=getattr(route, "summary", None) or "", filters=filters)


def export(rows: Sequence[dict[str, Any]], model: type[BaseModel], params: ListParams, name: str,
           title: str | None = None) -> Response:
    """Rows as a CSV (UTF-8 with BOM, so Excel opens the Chinese right) or XLSX download."""
    columns = xlsx_columns(model)
    if params.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for_excel = params.headers == "zh"
        writer.writerow([c.header if for_excel else c.key for c in columns])
        for row in rows:
            texts = ["" if v is None else _csv_text(v) for v in (jsonable(row.get(c.key)) for c in columns)]
            writer.writerow([_not_a_formula(t) for t in texts] if for_excel else texts)
        body, media = ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    else:
        heading = title or params.title or name
        labels = code_labels(model)
        cells = [{c.key: _xlsx_value(_labelled(row.get(c.key), labels.get(c.key))) for c in columns} for row in rows]
        table = XlsxTable(_title_row(heading, params.filters), _fitted(columns, cells), cells, sheet_name=heading)
        body, media = write_xlsx(io.BytesIO(), [table]), XLSX_MEDIA
    filename = f"{name}.{params.format}"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def _title_row(heading: str, filters: dict[str, str]) -> str:
    now = dt.datetime.now(CHINA_STANDARD_TIME)
    chosen = "；".join(f"{label}：{value}" for label, value in filters.items())
    return f"{heading}（{'筛选 ' + chosen if chosen else '全部'}）导出时间 {now:%Y-%m-%d %H:%M}（北京时间）"


def _labelled(value: Any, labels: dict[str, str] | None) -> Any:
    if labels and isinstance(value, str):
        return labels.get(value, value)
    return value


def _text_width(text: str) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fitted(columns: Sequence[XlsxColumn], cells: Sequence[dict[str, Any]]) -> list[XlsxColumn]:
    """Column widths from the values (first 500 rows) and the header, which wraps past 20 units; 8 to 50."""
    fitted = []
    for column in columns:
        values = [cells[i][column.key] for i in range(min(len(cells), 500))]
        longest = max((_text_width(_shown(v)) for v in values if v is not None), default=0)
        width = max(min(_text_width(column.header), 20), longest) + 2
        fitted.append(replace(column, width=min(max(width, 8), 50)))
    return fitted


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return "2024-01-01 00:00:00"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _not_a_formula(text: str) -> str:
    """Excel runs a CSV cell starting with = + - @ as a formula: quote such text (OWASP "CSV injection").

    Numbers are left alone (``-0.036`` is a number, not a formula); only the ``headers=zh`` CSV, meant
    for Excel, is changed, so programs reading the default CSV get the text as stored.
    """
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_text(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _xlsx_value(value: Any) -> Any:
    """A cell value openpyxl can write: datetimes in Beijing time without zone, structures as text."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)  # stored UTC (SQLite: naive)
        return aware.astimezone(CHINA_STANDARD_TIME).replace(tzinfo=None)
    if isinstance(value, Enum):
        return _xlsx_value(value.value)
    if isinstance(value, dict) or (isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list))
                                                                              for v in value)):
        return json.dumps(jsonable(value), ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return [_xlsx_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, Decimal, dt.date)):
        return value
    return str(jsonable(value))


def respond(rows: Sequence[dict[str, Any]], model: type[BaseModel], params: ListParams, name: str,
            title: str | None = None) -> Any:
    """Page or export an in-memory list (plan-sized lists; a sequence that builds its rows when sliced
    builds only the page's); ``title`` names the list in the XLSX title row (default: the route's summary)."""
    if params.format != "json":
        return export(rows, model, params, name, title)
    page = rows[params.offset:params.offset + params.page_size]
    return {"items": page, "total": len(rows), "page": params.page, "page_size": params.page_size}


def respond_query(session: Session, query: Select[Any], to_row: Any, model: type[BaseModel], params: ListParams,
                  name: str, title: str | None = None, *, total_of: tuple[Any, ...] = ()) -> Any:
    """Page or export a database query: the count and the page are fetched, not the whole table.

    ``total_of`` names the ORM models the query reads when their rows are never deleted without an
    audited change (revisions, reported values): the total is then counted once per data version of
    those models (``ecer.services.derived_cache``) instead of on every page — on PostgreSQL a count
    reads the whole table, ten times the cost of the page itself.
    """
    if params.format != "json":
        return export([to_row(r) for r in session.scalars(query)], model, params, name, title)
    items = [to_row(r) for r in session.scalars(query.offset(params.offset).limit(params.page_size))]
    return {"items": items, "total": _total(session, query, total_of), "page": params.page,
            "page_size": params.page_size}


def _total(session: Session, query: Select[Any], models: tuple[Any, ...]) -> int:
    counting = select(func.count()).select_from(query.order_by(None).subquery())
    key = _statement_key(query) if models else None
    if key is None:
        return session.scalar(counting) or 0
    from ecer.services.derived_cache import cached

    return cached(session, "list_total", key, models, lambda: session.scalar(counting) or 0, count=False)


def _statement_key(query: Select[Any]) -> tuple[Any, ...] | None:
    """The statement's structure and bound values (SQLAlchemy's own statement-cache key), or None
    when it cannot be cached."""
    found = query._generate_cache_key()
    if found is None:
        return None
    values = tuple(tuple(v) if isinstance(v := b.effective_value, list) else v for b in found.bindparams)
    return (found.key, values)
