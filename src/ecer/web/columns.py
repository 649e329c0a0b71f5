"""Chinese titles, units and number formats of API list fields, declared once on the item schema.

A field declared with :func:`column` shows its Chinese title in the OpenAPI docs (JSON Schema ``title``)
and carries its unit and Excel number format as the extensions ``x-unit`` and ``x-format``, and
optionally the Chinese label of each code (``x-labels``, e.g. ``approved`` → 已通过, as the pages show
it). They are not called ``unit`` and ``format``: ``format`` is a JSON Schema keyword (``date-time``)
that must keep its meaning. XLSX exports, and CSV exports with ``?headers=zh``, read them through :func:`xlsx_columns`;
a field without a title falls back to its snake_case name (``tests/web/test_exports.py`` lists them).

    >>> from pydantic import BaseModel
    >>> class Row(BaseModel):
    ...     energy_10k_tce: float = column("综合能源消费量", "万吨标准煤", DEC2)
    >>> xlsx_columns(Row)[0].header
    '综合能源消费量（万吨标准煤）'
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ecer.reports.xlsx import Kind, XlsxColumn

# Excel number formats (the codes Excel shows under 设置单元格格式 → 自定义).
YEAR = "0"  # years: no thousands separator (2024, not 2,024)
ID = "0"  # ids, row numbers
INT = "#,##0"
DEC1 = "#,##0.0"
DEC2 = "#,##0.00"
DEC3 = "#,##0.000"
DEC4 = "#,##0.0000"
GENERAL = "General"  # numbers whose unit and precision change from row to row
PCT1 = "0.0%"
PCT2 = "0.00%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
TEXT = "@"

UNIT_KEY, FORMAT_KEY, LABELS_KEY = "x-unit", "x-format", "x-labels"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def column(title: str, unit: str | None = None, fmt: str | None = None, *, default: Any = PydanticUndefined,
           description: str | None = None, labels: Mapping[Any, str] | None = None) -> Any:
    """A Pydantic ``Field`` with the Chinese title, unit and number format of one exported column.

    ``default`` left out keeps the field required, as a bare annotation is. ``labels`` maps codes to
    what the XLSX export shows instead (JSON and CSV keep the codes).
    """
    extra: dict[str, Any] = {key: value for key, value in ((UNIT_KEY, unit), (FORMAT_KEY, fmt)) if value}
    if labels:
        extra[LABELS_KEY] = {str(code): label for code, label in labels.items() if code is not None}
    return Field(default, title=title, description=description, json_schema_extra=extra or None)


def has_chinese_title(info: FieldInfo) -> bool:
    return bool(info.title and _CJK.search(info.title))


def untitled_fields(model: type[BaseModel]) -> list[str]:
    """Fields of ``model`` without a Chinese title (their exports fall back to the field name)."""
    return [name for name, info in model.model_fields.items() if not has_chinese_title(info)]


def _base_type(annotation: Any) -> Any:
    """``int | None`` → ``int``; anything else with more than one member → ``Any``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else Any
    return annotation


def _kind(info: FieldInfo, fmt: str | None) -> Kind:
    base = _base_type(info.annotation)
    if fmt and "%" in fmt:
        return "percent"
    if fmt in (DATE, DATETIME) or base in (dt.date, dt.datetime):
        return "date"
    if base is bool or fmt == TEXT:
        return "text"
    if base is int:
        return "integer"
    return "number" if fmt else "text"


def xlsx_column(name: str, info: FieldInfo) -> XlsxColumn:
    """The export column of one field: title (else the field name), unit, kind and number format."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit, fmt = extra.get(UNIT_KEY), extra.get(FORMAT_KEY)
    kind = _kind(info, fmt if isinstance(fmt, str) else None)
    if kind == "date" and fmt is None and _base_type(info.annotation) is dt.datetime:
        fmt = DATETIME
    title = info.title if has_chinese_title(info) else name
    return XlsxColumn(name, title or name, unit=unit if isinstance(unit, str) else None, kind=kind,
                      number_format=fmt if isinstance(fmt, str) and kind != "text" else None)


def xlsx_columns(model: type[BaseModel]) -> list[XlsxColumn]:
    return [xlsx_column(name, info) for name, info in model.model_fields.items()]


def code_labels(model: type[BaseModel]) -> dict[str, dict[str, str]]:
    """Field name → {code: Chinese label} for the fields declared with ``labels``."""
    found = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        labels = extra.get(LABELS_KEY)
        if isinstance(labels, dict):
            found[name] = {str(k): str(v) for k, v in labels.items()}
    return found
