"""The scoring rubric (考核计分表) as versioned data: ``data/assessment_rubric_*.yaml``.

A rubric names its target items (scored from completion in steps, optionally interpolated, with a
bonus for over-fulfilment and an optional veto), its measure items (scored from data or by
reviewers), the rating bands and the submission deadlines used for timeliness. Nothing about the
points is hard-coded: a city that uses another table replaces the file.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ecer.domain.errors import EcerError

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
RUBRIC_GLOB = "assessment_rubric_*.yaml"

TargetMethod = Literal["intensity_completion", "pollutant_completion"]
MeasureMethod = Literal["reviewer", "timeliness", "alarm_handling", "key_units", "key_projects"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Strict):
    at: Decimal = Field(ge=0, description="completion (fraction of the target) at or above which …")
    points: Decimal = Field(ge=0, description="… the item earns these points")


class Bonus(_Strict):
    per: Decimal = Field(gt=0, description="each full step of over-fulfilment (fraction), e.g. 0.10")
    points: Decimal = Field(ge=0, description="points per full step")
    max: Decimal = Field(ge=0, description="cap on the bonus")


class TargetItem(_Strict):
    code: str
    name: str
    max_points: Decimal = Field(gt=0)
    method: TargetMethod
    veto: bool = False
    steps: list[Step] = Field(min_length=1)
    bonus: Bonus | None = None

    @model_validator(mode="after")
    def _steps_descend(self) -> TargetItem:
        ats = [s.at for s in self.steps]
        if ats != sorted(ats, reverse=True) or len(set(ats)) != len(ats):
            raise ValueError(f"{self.code}: steps must be listed from the highest completion down, each once")
        if self.steps[-1].at != 0:
            raise ValueError(f"{self.code}: the last step must start at 0")
        if max(s.points for s in self.steps) > self.max_points:
            raise ValueError(f"{self.code}: a step gives more than max_points")
        return self


class MeasureItem(_Strict):
    code: str
    name: str
    max_points: Decimal = Field(gt=0)
    method: MeasureMethod = "reviewer"


class RatingBand(_Strict):
    name: Literal["超额完成", "完成", "基本完成", "未完成"]
    min: Decimal


class Timeliness(_Strict):
    deadlines: dict[str, str] = Field(description='period → "MM-DD" of the same year or "+1-MM-DD"')
    alarm_handling_hours: int = Field(24, gt=0, description="an alarm counts as handled in time within …")


class KeyUnitRule(_Strict):
    """How the ``key_units`` item is scored: monthly reports on time and units within their budget."""

    report_due_day: int = Field(ge=1, le=28, description="month m's report is due by this day of month m + 1")
    report_weight: Decimal = Field(ge=0, le=1, description="share of the points for reporting on time")
    budget_weight: Decimal = Field(ge=0, le=1, description="share of the points for staying within budget")

    @model_validator(mode="after")
    def _weights_add_up(self) -> KeyUnitRule:
        if self.report_weight + self.budget_weight != 1:
            raise ValueError("key_units: report_weight + budget_weight must be 1")
        return self


class Rubric(_Strict):
    id: str
    version: int
    title: str
    kind: Literal["energy", "pollutant"]
    interpolate: bool = False
    ratings: list[RatingBand] = Field(min_length=1)
    targets: list[TargetItem] = Field(min_length=1)
    measures: list[MeasureItem] = Field(default_factory=list)
    timeliness: Timeliness | None = None
    key_units: KeyUnitRule | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        codes = [i.code for i in (*self.targets, *self.measures)]
        if len(set(codes)) != len(codes):
            raise ValueError("item codes must be unique")
        mins = [b.min for b in self.ratings]
        if mins != sorted(mins, reverse=True) or mins[-1] != 0:
            raise ValueError("rating bands must descend and end at 0")
        return self

    @property
    def max_points(self) -> Decimal:
        """Points without bonus (100 in the default tables)."""
        return sum((i.max_points for i in (*self.targets, *self.measures)), Decimal(0))

    def item(self, code: str) -> TargetItem | MeasureItem:
        for i in (*self.targets, *self.measures):
            if i.code == code:
                return i
        known = "、".join(i.code for i in (*self.targets, *self.measures))
        raise EcerError("ASSESS_UNKNOWN_ITEM", f"{code}（可用：{known}）", field="item", value=code)


def available_rubrics() -> dict[str, Path]:
    """Rubric id → file, for every rubric shipped in ``ecer/data``."""
    found: dict[str, Path] = {}
    for path in sorted(DATA_DIR.glob(RUBRIC_GLOB)):
        found[str(yaml.safe_load(path.read_text(encoding="utf-8"))["id"])] = path
    return found


def read_rubric(path: str | Path) -> Rubric:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Rubric.model_validate(data)
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        raise EcerError("ASSESS_RUBRIC_INVALID", str(exc).splitlines()[0], file=path.name) from exc


@cache
def load_rubric(rubric_id: str = "energy-2021") -> Rubric:
    """A shipped rubric by id (``energy-2021``, ``pollutant-2021``); the error lists the valid ids."""
    rubrics = available_rubrics()
    if rubric_id not in rubrics:
        raise EcerError("ASSESS_RUBRIC_UNKNOWN", f"{rubric_id}（可用：{'、'.join(sorted(rubrics))}）",
                        field="rubric", value=rubric_id)
    return read_rubric(rubrics[rubric_id])
