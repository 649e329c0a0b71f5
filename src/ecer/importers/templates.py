"""Write an import template: an instructions sheet (说明) and a data sheet with the headers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecer.importers.tabular import Column


def write_template(
    path: Path,
    title_zh: str,
    sheet: str,
    columns: Sequence[Column],
    instructions: Sequence[str],
    examples: Sequence[Sequence[Any]] = (),
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    data.append([c.header for c in columns])
    for cell, col in zip(data[1], columns, strict=True):
        cell.font = Font(bold=True, color="FFFFFF" if col.required else "000000")
        cell.fill = PatternFill("solid", fgColor="1F4E79" if col.required else "D9E1F2")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        data.column_dimensions[cell.column_letter].width = max(14, len(col.header_zh) * 2 + 4)
    data.freeze_panes = "A2"
    for row in examples:
        data.append(list(row))
    notes = workbook.create_sheet("说明", 0)
    notes.append([title_zh])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([])
    for line in instructions:
        notes.append([line])
    notes.append([])
    notes.append(["列名", "必填", "类型", "说明"])
    for col in columns:
        kind = {"number": "数值", "integer": "整数"}.get(col.kind, "文本")
        notes.append([col.header, "是" if col.required else "否", kind, col.note_zh])
    notes.column_dimensions["A"].width = 48
    notes.column_dimensions["D"].width = 60
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
