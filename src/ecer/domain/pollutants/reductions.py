"""Claimed reduction of a key emission-reduction project, from its parameters and its type's formula.

A reduction is a yearly reduction capacity in t/a: the project counts once, from its
commissioning, in the cumulative tally (see :mod:`ecer.domain.pollutants.progress`).

Parameters come as pint quantities (or ``(value, unit)`` pairs) in any unit of the right
dimension: m³/d, m³/a and 万m³/a flows, mg/L, g/L, kg/L, Nm³/h, h, % … Per-year units are read
as the 365-day accounting year, so 10 000 m³/d is 3 650 000 m³/a. A yearly total given without
a time unit (operating hours 5 000 h, previous-year emissions 120 t, 365 d) is read as per
year. Bare numbers are accepted only for dimensionless parameters (head counts, rates).

Layout of ``parameters``: a shared parameter maps to a value; a per-pollutant parameter maps to
``{pollutant: value}``; a group (``sum`` over a list) maps to a list of ``{member: value}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pint

from ecer.domain.errors import EcerError, Location, Problem
from ecer.domain.pollutants import expression as ex
from ecer.domain.pollutants.formulas import (
    FormulaSet,
    FormulaSpec,
    ParameterSpec,
    declared_unit,
    load_formulas,
    per_accounting_year,
)
from ecer.domain.units import quantity, registry


def _as_quantity(value: Any, field: str) -> pint.Quantity | Decimal:
    if isinstance(value, pint.Quantity):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return quantity(value[0], str(value[1]))
    if isinstance(value, bool):
        raise EcerError("REDUCTION_UNIT_MISMATCH", "应为数值", field=field, value=value)
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise EcerError("REDUCTION_UNIT_MISMATCH", "不是数值", field=field, value=value) from exc


def _to_declared(given: pint.Quantity, target: pint.Unit) -> Any:
    """Convert; a yearly total without a time unit (5 000 h, 120 t) is read as per accounting year."""
    try:
        return given.to(target).magnitude
    except pint.errors.DimensionalityError:
        if not any(name == "accounting_year" for name, _ in registry().Quantity(1, target).unit_items()):
            raise
        return (given / registry().Quantity(Decimal(1), "accounting_year")).to(target).magnitude


def parameter_value(spec: ParameterSpec, value: Any, field: str) -> Decimal:
    """The value in the parameter's declared unit, after the unit and range checks.

    Raises EcerError REDUCTION_UNIT_MISMATCH, REDUCTION_NEGATIVE, REDUCTION_NOT_POSITIVE or
    REDUCTION_RATIO_RANGE.
    """
    target = declared_unit(spec.unit)
    given = _as_quantity(value, field)
    if isinstance(given, Decimal):
        if not target.dimensionless:
            raise EcerError(
                "REDUCTION_UNIT_MISMATCH", f"{spec.name_zh} 须注明单位（{spec.unit}）", field=field, value=value
            )
        given = registry().Quantity(given, "dimensionless")
    try:
        magnitude = _to_declared(per_accounting_year(given), target)
    except pint.errors.DimensionalityError as exc:
        raise EcerError(
            "REDUCTION_UNIT_MISMATCH", f"{spec.name_zh} 应为 {spec.unit}，给出 {given.units}", field=field, value=value
        ) from exc
    number = Decimal(str(magnitude))
    if spec.constraint == "nonnegative" and number < 0:
        raise EcerError("REDUCTION_NEGATIVE", spec.name_zh, field=field, value=value)
    if spec.constraint == "positive" and number <= 0:
        raise EcerError("REDUCTION_NOT_POSITIVE", spec.name_zh, field=field, value=value)
    if spec.constraint == "ratio" and not (0 <= number <= 1):
        raise EcerError("REDUCTION_RATIO_RANGE", spec.name_zh, field=field, value=value)
    return number


class _Collector:
    """Gathers every bad parameter so one refusal lists them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def value(self, spec: ParameterSpec, raw: Any, field: str) -> Decimal | None:
        try:
            return parameter_value(spec, raw, field)
        except EcerError as err:
            self.problems.extend(err.problems)
            return None

    def add(self, code: str, detail: str, field: str) -> None:
        problem = Problem(code, detail, Location(field=field))
        if all(p.as_dict() != problem.as_dict() for p in self.problems):
            self.problems.append(problem)

    def raise_any(self) -> None:
        if self.problems:
            raise EcerError(self.problems)


def _pollutants(spec: FormulaSpec, parameters: Mapping[str, Any], bad: _Collector) -> tuple[str, ...]:
    """Pollutants claimed: those the per-pollutant parameters are given for (all listed if none)."""
    keyed = [p for p in spec.parameters if p.per_pollutant]
    given = [parameters[p.name] for p in keyed if isinstance(parameters.get(p.name), Mapping)]
    if not keyed:
        return spec.pollutants
    claimed = sorted({k for g in given for k in g}, key=lambda k: (k not in spec.pollutants, k))
    for pollutant in claimed:
        if pollutant not in spec.pollutants:
            bad.add("REDUCTION_PARAMETER_UNKNOWN", f"{spec.name_zh} 不削减 {pollutant}", "pollutant")
    return tuple(p for p in spec.pollutants if p in claimed)


def _check_known(spec: FormulaSpec, parameters: Mapping[str, Any], bad: _Collector) -> None:
    known = {p.name for p in spec.parameters if p.group is None} | set(spec.groups)
    for name in parameters:
        if name not in known:
            bad.add("REDUCTION_PARAMETER_UNKNOWN", f"{spec.code} 没有参数 {name}", name)


def _shared(spec: FormulaSpec, parameters: Mapping[str, Any], bad: _Collector) -> dict[str, Decimal]:
    scope: dict[str, Decimal] = {}
    for p in spec.parameters:
        if p.per_pollutant or p.group is not None:
            continue
        if p.name not in parameters:
            if p.default is None:
                bad.add("REDUCTION_PARAMETER_MISSING", f"{p.name}（{p.name_zh}）", p.name)
            else:
                scope[p.name] = p.default
            continue
        value = bad.value(p, parameters[p.name], p.name)
        if value is not None:
            scope[p.name] = value
    return scope


def _per_pollutant(
    spec: FormulaSpec, parameters: Mapping[str, Any], pollutants: Sequence[str], bad: _Collector
) -> dict[str, dict[str, Decimal]]:
    scopes: dict[str, dict[str, Decimal]] = {pol: {} for pol in pollutants}
    for p in spec.parameters:
        if not p.per_pollutant:
            continue
        raw = parameters.get(p.name)
        if not isinstance(raw, Mapping):
            detail = f"{p.name}（{p.name_zh}）须按污染物给出，如 {{'COD': …}}"
            bad.add("REDUCTION_PARAMETER_MISSING", detail, p.name)
            continue
        for pol in pollutants:
            field = f"{p.name}[{pol}]"
            if pol not in raw:
                bad.add("REDUCTION_PARAMETER_MISSING", f"{p.name_zh}（{pol}）", field)
                continue
            value = bad.value(p, raw[pol], field)
            if value is not None:
                scopes[pol][p.name] = value
    return scopes


def _groups(spec: FormulaSpec, parameters: Mapping[str, Any], bad: _Collector) -> dict[str, list[dict[str, Decimal]]]:
    groups: dict[str, list[dict[str, Decimal]]] = {}
    for group, group_zh in spec.groups.items():
        rows = parameters.get(group)
        if not isinstance(rows, Sequence) or isinstance(rows, str) or not rows:
            bad.add("REDUCTION_PARAMETER_MISSING", f"{group}（{group_zh}）须为非空列表", group)
            continue
        members = [p for p in spec.parameters if p.group == group]
        groups[group] = []
        for i, row in enumerate(rows):
            item: dict[str, Decimal] = {}
            for name in row:
                if name not in {m.name for m in members}:
                    bad.add("REDUCTION_PARAMETER_UNKNOWN", f"{group} 没有参数 {name}", f"{group}[{i}].{name}")
            for m in members:
                field = f"{group}[{i}].{m.name}"
                if m.name not in row:
                    bad.add("REDUCTION_PARAMETER_MISSING", f"{m.name}（{m.name_zh}）", field)
                    continue
                value = bad.value(m, row[m.name], field)
                if value is not None:
                    item[m.name] = value
            groups[group].append(item)
    return groups


def _check_constraints(
    spec: FormulaSpec,
    scope: Mapping[str, Decimal],
    groups: Mapping[str, Sequence[Mapping[str, Decimal]]],
    where: str,
    bad: _Collector,
) -> None:
    """After must not be worse than before; group constraints hold for every item."""
    for c in spec.constraints:
        used = ex.names(c.left) | ex.names(c.right)
        member_groups = {g for node in (c.left, c.right) for g, _ in _member_of(spec, node)}
        per_pollutant = any(p.per_pollutant for p in spec.parameters if (None, p.name) in used)
        cases: list[tuple[str, Mapping[str, Decimal]]] = [(where if per_pollutant else c.text, scope)]
        for g in member_groups:
            cases = [(f"{g}[{i}]", {**scope, **item}) for i, item in enumerate(groups.get(g, []))]
        for field, values in cases:
            left, right = ex.evaluate(c.left, values), ex.evaluate(c.right, values)
            holds = left <= right if c.op == "<=" else left >= right
            if not holds:
                bad.add("REDUCTION_AFTER_WORSE", f"{c.message_zh}（{c.text}：{left} {c.op} {right} 不成立）", field)


def _member_of(spec: FormulaSpec, node: ex.Node) -> set[tuple[str, str]]:
    return {(p.group, p.name) for _, name in ex.names(node) for p in spec.parameters if p.name == name and p.group}


def claimed_reduction(
    project_type: str, parameters: Mapping[str, Any], *, formulas: FormulaSet | None = None
) -> dict[str, Decimal]:
    """Yearly reduction capacity per pollutant, in t/a, from the type's formula.

    Parameters
    ----------
    project_type : str
        A type code of ``data/reduction_formulas.yaml``, e.g. ``'wastewater_new_capacity'``.
    parameters : mapping
        Shared values, ``{pollutant: value}`` for per-pollutant parameters, lists for groups;
        values are pint quantities or ``(value, unit)`` pairs. [declared units or convertible]
    formulas : FormulaSet, optional
        Defaults to the packaged formula file.

    Returns
    -------
    dict
        Pollutant code (COD, NH3N, NOx, VOCs) → reduction. [t/a]

    Raises
    ------
    EcerError
        REDUCTION_TYPE_UNKNOWN, REDUCTION_PARAMETER_MISSING/UNKNOWN, REDUCTION_UNIT_MISMATCH,
        REDUCTION_NEGATIVE, REDUCTION_NOT_POSITIVE, REDUCTION_RATIO_RANGE, REDUCTION_AFTER_WORSE;
        all bad parameters are listed in one error.

    Notes
    -----
    result = expression(parameters in declared units) × scale, e.g. new wastewater capacity
    Q × (C_in − C_out) × 10⁻⁶ t/a with Q in m³/a and C in mg/L.

    References
    ----------
    .. [1] 生态环境部，《“十四五”主要污染物总量减排核算技术指南》(clauses need checking).
    """
    spec = (formulas or load_formulas()).get(project_type)
    bad = _Collector()
    _check_known(spec, parameters, bad)
    pollutants = _pollutants(spec, parameters, bad)
    if not pollutants:
        bad.add("REDUCTION_PARAMETER_MISSING", f"未给出任何污染物的参数（{', '.join(spec.pollutants)}）", "pollutant")
    shared = _shared(spec, parameters, bad)
    per_pollutant = _per_pollutant(spec, parameters, pollutants, bad)
    groups = _groups(spec, parameters, bad)
    bad.raise_any()
    results: dict[str, Decimal] = {}
    for pol in pollutants:
        scope = {**shared, **per_pollutant[pol]}
        _check_constraints(spec, scope, groups, pol, bad)
        results[pol] = ex.evaluate(spec.expression, scope, groups) * spec.scale
    bad.raise_any()
    return results
