"""``ecer air aqi`` and ``ecer water classify``: environmental-quality figures from a CSV file.

Thin shell: read the file, hand each row to ``ecer.domain.environment``, print. Every bad cell in
the file is reported (row and column) before anything is printed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from ecer.cli.output import print_json, print_table
from ecer.domain.environment.aqi import DAILY_TABLES, daily_aqi
from ecer.domain.environment.readings import check_header, parse_value, required_text
from ecer.domain.environment.water import KINDS, parameters, section_class
from ecer.domain.errors import EcerError, Location, Problem

AIR_KEYS = ("station", "date")
WATER_KEYS = ("section", "date", "kind")

air_app = typer.Typer(help="环境空气质量（HJ 633-2012 空气质量指数）", no_args_is_help=True)
water_app = typer.Typer(help="地表水环境质量（GB 3838-2002 单因子评价）", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="CSV 文件（UTF-8，首行为列名）")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出一个 JSON 数组")]


def _rows(path: Path, required: tuple[str, ...], optional: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, cells by column) for each non-empty data row, after the header is checked."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EcerError("IMPORT_FILE_UNREADABLE", str(exc), file=str(path)) from exc
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        raise EcerError("IMPORT_EMPTY", file=str(path))
    names = check_header(header, required, optional, file=str(path))
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(names):]):
            raise EcerError("IMPORT_UNKNOWN_COLUMN", "数据多于列名", file=str(path), row=reader.line_num)
        padded = [*cells, *[""] * (len(names) - len(cells))]
        yield reader.line_num, dict(zip(names, padded, strict=False))


def _collect(path: Path, required: tuple[str, ...], optional: list[str],
             one: Callable[[int, dict[str, str]], dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply ``one`` to every row; gather every row's problems and refuse them together."""
    results: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for line, cells in _rows(path, required, optional):
        try:
            results.append(one(line, cells))
        except EcerError as exc:
            for p in exc.problems:
                loc = p.location
                problems.append(Problem(p.code, p.detail, Location(
                    file=str(path), row=loc.row or line, column=loc.column or loc.field, value=loc.value)))
    if problems:
        raise EcerError(problems)
    return results


def _measured(cells: dict[str, str], columns: list[str], line: int, path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column in columns:
        if column not in cells:
            continue
        try:
            values[column] = parse_value(cells[column], line, column, file=str(path))
        except EcerError as exc:
            problems.extend(exc.problems)
    if problems:
        raise EcerError(problems)
    return values


@air_app.command("aqi")
def air_aqi(file: FileArg, as_json: JsonOpt = False) -> None:
    """按 HJ 633-2012 计算每行（站点、日期）的日空气质量指数。"""
    pollutants = list(DAILY_TABLES)

    def one(line: int, cells: dict[str, str]) -> dict[str, Any]:
        station = required_text(cells.get("station"), line, "station")
        date = required_text(cells.get("date"), line, "date")
        result = daily_aqi(_measured(cells, pollutants, line, file))
        return {
            "station": station,
            "date": date,
            "aqi": result.aqi,
            "category": result.category.name_zh,
            "level": result.category.level,
            "primary_pollutants": result.primary_pollutants,
            "iaqi": result.iaqi,
        }

    rows = _collect(file, AIR_KEYS, pollutants, one)
    if as_json:
        print_json(rows)
        return
    print_table(
        "空气质量指数（HJ 633-2012）",
        ["站点", "日期", "AQI", "级别", "类别", "首要污染物", "分指数"],
        [
            [r["station"], r["date"], r["aqi"], r["level"], r["category"],
             "、".join(r["primary_pollutants"]) or "—",
             " ".join(f"{k}={v}" for k, v in r["iaqi"].items())]
            for r in rows
        ],
    )


@water_app.command("classify")
def water_classify(file: FileArg, as_json: JsonOpt = False) -> None:
    """按 GB 3838-2002 单因子评价法确定每行（断面、日期）的水质类别。"""
    columns = parameters()

    def one(line: int, cells: dict[str, str]) -> dict[str, Any]:
        section = required_text(cells.get("section"), line, "section")
        date = required_text(cells.get("date"), line, "date")
        kind = required_text(cells.get("kind"), line, "kind")
        if kind not in KINDS:
            raise EcerError("WATER_BAD_KIND", kind, row=line, column="kind", value=kind)
        result = section_class(_measured(cells, columns, line, file), kind)
        return {
            "section": section,
            "date": date,
            "water_class": result.water_class,
            "limiting_parameters": result.limiting_parameters,
            "classes": result.classes,
        }

    rows = _collect(file, WATER_KEYS, columns, one)
    if as_json:
        print_json(rows)
        return
    print_table(
        "地表水水质类别（GB 3838-2002）",
        ["断面", "日期", "水质类别", "定类项目", "各项目类别"],
        [
            [r["section"], r["date"], r["water_class"], "、".join(r["limiting_parameters"]),
             " ".join(f"{k}={v}" for k, v in r["classes"].items())]
            for r in rows
        ],
    )


def register(app: typer.Typer) -> None:
    """Attach ``ecer air`` and ``ecer water`` to ``app``."""
    app.add_typer(air_app, name="air")
    app.add_typer(water_app, name="water")
