"""Read the environmental-quality reference tables shipped in ``ecer/data``.

Each table is a CSV file named after its standard and clause, starting with ``#`` provenance
lines. Figures are parsed to ``Decimal`` so an index computed from them stays exact.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

IAQI_LEVELS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)
"""The IAQI values heading the columns of HJ 633-2012 Table 1."""

WATER_CLASSES: tuple[str, ...] = ("I", "II", "III", "IV", "V")
"""GB 3838-2002 classes, best first; ``劣V`` is worse than V."""


def read_rows(filename: str) -> list[dict[str, str]]:
    """The data rows of a packaged reference CSV, provenance comment lines skipped."""
    text = resources.files("ecer.data").joinpath(filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@dataclass(frozen=True)
class Breakpoints:
    """One row of HJ 633-2012 Table 1: concentration limits against IAQI."""

    code: str
    unit: str
    points: tuple[tuple[Decimal, int], ...]  # (concentration limit BP, IAQI), ascending
    beyond_last: str  # code whose index is used above the last limit, "" when none


@dataclass(frozen=True)
class AqiCategory:
    """One row of HJ 633-2012 Table 2 with its Annex A colour."""

    level: int
    aqi_low: int
    aqi_high: int | None
    name_zh: str
    colour_zh: str
    rgb: tuple[int, int, int]


@dataclass(frozen=True)
class WaterLimit:
    """One row of GB 3838-2002 Table 1 for one kind of water body."""

    code: str
    name_zh: str
    unit: str
    direction: str  # "max" (≤), "min" (≥) or "range" (pH band)
    applies_to: str  # "all", "river" or "lake"
    limits: tuple[tuple[Decimal, Decimal] | Decimal, ...]  # one per class I..V
    counted: bool


@lru_cache(maxsize=1)
def iaqi_breakpoints() -> dict[str, Breakpoints]:
    """HJ 633-2012 Table 1 by code (``SO2_24h``, ``O3_8h``, …)."""
    table: dict[str, Breakpoints] = {}
    for row in read_rows("hj633_2012_iaqi.csv"):
        points = tuple(
            (Decimal(row[f"c_{level}"]), level) for level in IAQI_LEVELS if row[f"c_{level}"].strip()
        )
        beyond = row["beyond_last"].removeprefix("use ").strip()
        table[row["code"]] = Breakpoints(row["code"], row["unit"], points, beyond)
    return table


@lru_cache(maxsize=1)
def aqi_categories() -> tuple[AqiCategory, ...]:
    """HJ 633-2012 Table 2, level 1 first."""
    return tuple(
        AqiCategory(
            level=int(row["level"]),
            aqi_low=int(row["aqi_low"]),
            aqi_high=int(row["aqi_high"]) if row["aqi_high"] else None,
            name_zh=row["category_zh"],
            colour_zh=row["colour_zh"],
            rgb=(int(row["r"]), int(row["g"]), int(row["b"])),
        )
        for row in read_rows("hj633_2012_aqi_categories.csv")
    )


def _limit(text: str) -> tuple[Decimal, Decimal] | Decimal:
    if "~" in text:
        low, high = text.split("~")
        return (Decimal(low), Decimal(high))
    return Decimal(text)


@lru_cache(maxsize=1)
def water_limits() -> tuple[WaterLimit, ...]:
    """GB 3838-2002 Table 1 basic items (water temperature has no class limits and is absent)."""
    return tuple(
        WaterLimit(
            code=row["code"],
            name_zh=row["name_zh"],
            unit=row["unit"],
            direction=row["direction"],
            applies_to=row["applies_to"],
            limits=tuple(_limit(row[f"class_{c}"]) for c in WATER_CLASSES),
            counted=row["counted"] == "true",
        )
        for row in read_rows("gb3838_2002_limits.csv")
    )


@lru_cache(maxsize=1)
def secondary_limits() -> dict[str, Decimal]:
    """GB 3095-2012 Table 1 secondary limits used by the comprehensive index, by pollutant."""
    return {row["code"]: Decimal(row["limit"]) for row in read_rows("gb3095_2012_secondary_limits.csv")}
