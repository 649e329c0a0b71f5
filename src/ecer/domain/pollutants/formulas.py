"""The emission-reduction formulas as data: load and check ``data/reduction_formulas.yaml``.

Each project type names its pollutants, its parameters with units and constraints, an expression
in the small grammar of :mod:`ecer.domain.pollutants.expression` and a ``scale``. The loader
refuses a file whose expression uses undeclared names, whose sums and differences mix units, or
whose ``scale`` is not the unit factor the declared units imply, so an edit by the environment
bureau cannot silently change the arithmetic.

References
----------
.. [1] 生态环境部，《“十四五”主要污染物总量减排核算技术指南》(edition and clauses need checking;
   see the provenance header of the data file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pint
import yaml

from ecer.domain.errors import EcerError
from ecer.domain.pollutants import expression as ex
from ecer.domain.units import registry

POLLUTANTS: tuple[str, ...] = ("COD", "NH3N", "NOx", "VOCs")
CONSTRAINTS: tuple[str, ...] = ("nonnegative", "positive", "ratio")
DATA_FILE = "reduction_formulas.yaml"


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    name_zh: str
    unit: str
    constraint: str | None = None
    per_pollutant: bool = False
    group: str | None = None
    default: Decimal | None = None


@dataclass(frozen=True)
class ConstraintSpec:
    """``left op right`` must hold; otherwise the values after the project are worse than before."""

    left: ex.Node
    op: str
    right: ex.Node
    text: str
    message_zh: str


@dataclass(frozen=True)
class FormulaSpec:
    code: str
    name_zh: str
    pollutants: tuple[str, ...]
    parameters: tuple[ParameterSpec, ...]
    constraints: tuple[ConstraintSpec, ...]
    expression_text: str
    expression: ex.Node
    scale: Decimal
    result_unit: str
    guideline_clause: str
    needs_check: bool
    note_zh: str = ""
    groups: dict[str, str] = field(default_factory=dict)

    def parameter(self, name: str) -> ParameterSpec:
        return next(p for p in self.parameters if p.name == name)


@dataclass(frozen=True)
class FormulaSet:
    version: str
    date: str
    guideline: dict[str, Any]
    pollutant_names_zh: dict[str, str]
    types: dict[str, FormulaSpec]
    source_lines: tuple[str, ...]

    def get(self, code: str) -> FormulaSpec:
        """The formula of a project type; the error lists the valid codes."""
        try:
            return self.types[code]
        except KeyError:
            raise EcerError(
                "REDUCTION_TYPE_UNKNOWN", f"{code!r}；可用类型：{', '.join(self.types)}", field="project_type", value=code
            ) from None


def per_accounting_year(q: pint.Quantity) -> pint.Quantity:
    """Read pint's Julian ``year`` (365.25 d) in a unit as the 365-day ``accounting_year``.

    The magnitude is kept: 3 650 000 m³/a stays 3 650 000 per accounting year, and 10 000 m³/d
    becomes exactly 3 650 000 m³/a.
    """
    exponent = sum((e for name, e in q.unit_items() if name == "year"), Decimal(0))
    if exponent == 0:
        return q
    ureg = registry()
    return q * (ureg.Quantity(Decimal(1), "year") / ureg.Quantity(Decimal(1), "accounting_year")) ** (-exponent)


def declared_unit(text: str) -> pint.Unit:
    """The unit a parameter or result is held in, with years read as accounting years."""
    from ecer.domain.units import parse_unit

    return per_accounting_year(registry().Quantity(Decimal(1), parse_unit(text))).units


def _invalid(detail: str) -> EcerError:
    return EcerError("REDUCTION_FORMULAS_INVALID", detail, file=DATA_FILE)


def _parse(text: str, where: str) -> ex.Node:
    try:
        return ex.parse(str(text))
    except ex.ExpressionError as exc:
        raise _invalid(f"{where}: {exc}") from exc


def _decimal(value: object, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise _invalid(f"{where}: {value!r} is not a number") from exc


def _parameter(raw: dict[str, Any], where: str, groups: dict[str, str]) -> ParameterSpec:
    try:
        spec = ParameterSpec(
            name=str(raw["name"]),
            name_zh=str(raw["name_zh"]),
            unit=str(raw["unit"]),
            constraint=raw.get("constraint"),
            per_pollutant=bool(raw.get("per_pollutant", False)),
            group=raw.get("group"),
            default=None if raw.get("default") is None else _decimal(raw["default"], where),
        )
    except KeyError as exc:
        raise _invalid(f"{where}: missing {exc.args[0]}") from exc
    if spec.constraint is not None and spec.constraint not in CONSTRAINTS:
        raise _invalid(f"{where}: constraint {spec.constraint!r} not in {CONSTRAINTS}")
    if spec.group is not None and spec.group not in groups:
        raise _invalid(f"{where}: undeclared group {spec.group!r}")
    if spec.group is not None and spec.per_pollutant:
        raise _invalid(f"{where}: a group member cannot be per pollutant")
    try:
        declared_unit(spec.unit)
    except EcerError as exc:
        raise _invalid(f"{where}: unknown unit {spec.unit!r}") from exc
    return spec


def _check_units(spec: FormulaSpec) -> None:
    """The expression's unit, times ``scale``, must be exactly ``result_unit``."""
    ureg = registry()

    def one(p: ParameterSpec) -> pint.Quantity:
        return ureg.Quantity(Decimal(1), declared_unit(p.unit))

    scope = {p.name: one(p) for p in spec.parameters if p.group is None}
    groups = {
        g: [{p.name: one(p) for p in spec.parameters if p.group == g}] for g in spec.groups
    }
    where = f"{spec.code}.expression"
    try:
        result = ex.evaluate_units(
            spec.expression, scope, groups, one=lambda d: ureg.Quantity(d, "dimensionless")
        )
        factor = Decimal(str(result.to(declared_unit(spec.result_unit)).magnitude))
        flat = {**scope, **{p.name: one(p) for p in spec.parameters if p.group is not None}}
        for c in spec.constraints:
            left = ex.evaluate_units(c.left, flat, groups, one=lambda d: ureg.Quantity(d, "dimensionless"))
            right = ex.evaluate_units(c.right, flat, groups, one=lambda d: ureg.Quantity(d, "dimensionless"))
            if left.units != right.units:
                raise ex.ExpressionError(f"constraint {c.text!r} compares {left.units} with {right.units}")
    except (ex.ExpressionError, pint.errors.DimensionalityError, KeyError) as exc:
        raise _invalid(f"{where}: {exc}") from exc
    if abs(factor - spec.scale) > abs(spec.scale) * Decimal("1e-12"):
        raise _invalid(f"{where}: scale {spec.scale} but the units imply {factor}")


def _formula(raw: dict[str, Any]) -> FormulaSpec:
    code = str(raw.get("code", "?"))
    groups = {str(k): str((v or {}).get("name_zh", "")) for k, v in (raw.get("groups") or {}).items()}
    params = tuple(_parameter(p, f"{code}.parameters[{i}]", groups) for i, p in enumerate(raw.get("parameters", [])))
    known = {p.name for p in params}
    if len(known) != len(params):
        raise _invalid(f"{code}: duplicate parameter names")
    pollutants = tuple(raw.get("pollutants") or ())
    if not pollutants or any(p not in POLLUTANTS for p in pollutants):
        raise _invalid(f"{code}: pollutants must be some of {POLLUTANTS}")
    constraints = []
    for i, c in enumerate(raw.get("constraints") or []):
        if c.get("op") not in ("<=", ">="):
            raise _invalid(f"{code}.constraints[{i}]: op must be <= or >=")
        text = f"{c['left']} {c['op']} {c['right']}"
        constraints.append(
            ConstraintSpec(
                _parse(c["left"], code), c["op"], _parse(c["right"], code), text, str(c.get("message_zh", ""))
            )
        )
    try:
        spec = FormulaSpec(
            code=code,
            name_zh=str(raw["name_zh"]),
            pollutants=pollutants,
            parameters=params,
            constraints=tuple(constraints),
            expression_text=str(raw["expression"]),
            expression=_parse(raw["expression"], f"{code}.expression"),
            scale=_decimal(raw["scale"], f"{code}.scale"),
            result_unit=str(raw["result_unit"]),
            guideline_clause=str(raw.get("guideline_clause", "")),
            needs_check=bool(raw.get("needs_check", True)),
            note_zh=str(raw.get("note_zh", "")),
            groups=groups,
        )
    except KeyError as exc:
        raise _invalid(f"{code}: missing {exc.args[0]}") from exc
    nodes = [spec.expression] + [n for c in spec.constraints for n in (c.left, c.right)]
    for node in nodes:
        for group, name in ex.names(node):
            if name not in known or (group is not None and spec.parameter(name).group != group):
                raise _invalid(f"{code}: the formula names {name!r}, not a declared parameter here")
    _check_units(spec)
    return spec


def parse_formulas(text: str) -> FormulaSet:
    """Build and check a formula set from the YAML text of a formula file."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _invalid(str(exc)) from exc
    if not isinstance(data, dict) or data.get("schema") != 1:
        raise _invalid("expected a mapping with schema: 1")
    types = [_formula(t) for t in data.get("types") or []]
    codes = [t.code for t in types]
    if len(set(codes)) != len(codes):
        raise _invalid("duplicate project type codes")
    return FormulaSet(
        version=str(data.get("version", "")),
        date=str(data.get("date", "")),
        guideline=dict(data.get("guideline") or {}),
        pollutant_names_zh={str(k): str(v) for k, v in (data.get("pollutants") or {}).items()},
        types={t.code: t for t in types},
        source_lines=tuple(line for line in text.splitlines() if line.startswith("# source:")),
    )


def data_path() -> Path:
    return Path(str(resources.files("ecer.data").joinpath(DATA_FILE)))


@lru_cache(maxsize=1)
def load_formulas() -> FormulaSet:
    """The packaged formula set (read once)."""
    return parse_formulas(data_path().read_text(encoding="utf-8"))
