"""Project parameters written as one line of text, the way a clerk fills one workbook cell.

Grammar (separators may be full-width)::

    line      = item *( ";" item )            ; "；" and line breaks also separate
    item      = name [ "[" key "]" ] "=" number [ unit ]
    key       = pollutant code (COD, NH3N, NOx, VOCs) for a per-pollutant parameter,
                or an item number 1, 2, … for a member of a group (VOCs materials)

Example: ``Q=2 万m³/d; C_in[COD]=250 mg/L; C_out[COD]=50 mg/L``. Units are any form
:func:`ecer.domain.units.parse_unit` reads, plus ``m3``/``m³`` written without ``**``; a rate
may be written ``85 %`` or ``0.85``. The result is the ``parameters`` mapping that
:func:`ecer.domain.pollutants.reductions.claimed_reduction` takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pint

from ecer.domain.errors import EcerError, Location, Problem
from ecer.domain.pollutants.formulas import FormulaSpec
from ecer.domain.units import parse_unit, registry

_FULL_WIDTH = str.maketrans({"；": ";", "＝": "=", "（": "[", "）": "]", "(": "[", ")": "]", "【": "[", "】": "]",
                             "［": "[", "］": "]", "％": "%", "\n": ";", "\r": ";"})
_ITEM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*(?P<key>[^\]]+?)\s*\])?\s*=\s*(?P<value>.+)$")
_NUMBER = re.compile(r"^(?P<number>[-+]?(?:\d[\d,]*)?(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(?P<unit>.*)$")
_BARE_CUBE = re.compile(r"(?<![A-Za-z])m(?:3|³)(?![0-9])")


def parse_quantity(text: str, field: str) -> pint.Quantity | Decimal:
    """``'2 万m³/d'`` → a pint quantity; a bare number stays a Decimal (dimensionless parameters)."""
    match = _NUMBER.match(text.strip())
    number = match.group("number") if match else ""
    if not match or not any(ch.isdigit() for ch in number):
        raise EcerError("REDUCTION_UNIT_MISMATCH", f"{text!r} 不是“数值 单位”", field=field, value=text)
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise EcerError("REDUCTION_UNIT_MISMATCH", f"{text!r} 不是数值", field=field, value=text) from exc
    unit = match.group("unit").strip()
    if not unit:
        return value
    for candidate in (unit, _BARE_CUBE.sub("m**3", unit.replace("²", "**2"))):
        try:
            return registry().Quantity(value, parse_unit(candidate))
        except EcerError:
            continue
    raise EcerError("UNIT_UNKNOWN", f"{unit!r}", field=field, value=text)


def split_items(text: str) -> list[str]:
    return [part.strip() for part in str(text or "").translate(_FULL_WIDTH).split(";") if part.strip()]


def parse_parameters(text: str, spec: FormulaSpec) -> dict[str, Any]:
    """The ``parameters`` mapping of one project from its text; every bad item in one error.

    Raises
    ------
    EcerError
        REDUCTION_PARAMETER_SYNTAX for an item that is not ``name[key]=value unit``, a repeated
        item, or a key of the wrong kind; UNIT_UNKNOWN, REDUCTION_UNIT_MISMATCH for the value.
        The ``field`` of each problem names the item (``C_in[COD]``).
    """
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    groups: dict[str, dict[int, dict[str, Any]]] = {}
    seen: set[str] = set()
    known = {p.name: p for p in spec.parameters}
    for item in split_items(text):
        match = _ITEM.match(item)
        if match is None:
            problems.append(Problem("REDUCTION_PARAMETER_SYNTAX", f"{item!r}（应为 名称=数值 单位）",
                                    Location(field=item, value=item)))
            continue
        name, key, raw = match.group("name"), match.group("key"), match.group("value")
        label = name if key is None else f"{name}[{key}]"
        if label in seen:
            problems.append(Problem("REDUCTION_PARAMETER_SYNTAX", f"{label} 重复", Location(field=label, value=item)))
            continue
        seen.add(label)
        try:
            value = parse_quantity(raw, label)
        except EcerError as err:
            problems.extend(err.problems)
            continue
        spec_of = known.get(name)
        if spec_of is None:
            result[label] = value  # claimed_reduction names the unknown parameter
        elif spec_of.group is not None:
            if key is None or not key.isdigit() or int(key) < 1:
                problems.append(Problem("REDUCTION_PARAMETER_SYNTAX", f"{name} 须写序号，如 {name}[1]",
                                        Location(field=label, value=item)))
                continue
            groups.setdefault(spec_of.group, {}).setdefault(int(key), {})[name] = value
        elif spec_of.per_pollutant:
            if key is None:
                problems.append(Problem("REDUCTION_PARAMETER_SYNTAX",
                                        f"{name} 须按污染物写，如 {name}[{spec.pollutants[0]}]",
                                        Location(field=label, value=item)))
                continue
            result.setdefault(name, {})[key] = value
        elif key is not None:
            problems.append(Problem("REDUCTION_PARAMETER_SYNTAX", f"{name} 不分污染物或序号，应写 {name}=…",
                                    Location(field=label, value=item)))
        else:
            result[name] = value
    for group, items in groups.items():
        result[group] = [items[i] for i in sorted(items)]
    if problems:
        raise EcerError(problems)
    return result


def format_parameters(parameters: Mapping[str, Any]) -> str:
    """The canonical text of a parameters mapping (inverse of :func:`parse_parameters`)."""
    parts: list[str] = []
    for name, value in parameters.items():
        if isinstance(value, Mapping):
            parts += [f"{name}[{key}]={_text(v)}" for key, v in value.items()]
        elif isinstance(value, list):
            parts += [f"{member}[{i}]={_text(v)}" for i, row in enumerate(value, start=1) for member, v in row.items()]
        else:
            parts.append(f"{name}={_text(value)}")
    return "; ".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, pint.Quantity):
        return f"{value.magnitude} {value.units:~}"
    return str(value)
