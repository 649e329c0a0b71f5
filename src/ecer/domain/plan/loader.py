"""Read a plan from YAML, validate it, and report every problem at its file, line and field.

The YAML is parsed once into a node tree (``yaml.compose`` marks give each value's line) and
constructed from that same tree, with decimal numbers kept as ``Decimal`` (never float). Pydantic
validates the shape; :func:`ecer.domain.plan.checks.check_plan` the cross-references. Both kinds of
problem are mapped back to YAML lines and raised together as one :class:`EcerError`.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ecer.domain.errors import EcerError, Location, Problem
from ecer.domain.plan.checks import check_plan
from ecer.domain.plan.model import Plan

PLANS_PACKAGE = "ecer.data"
PLANS_DIR = "plans"
SCHEMA_FILE = "plan.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Chinese wording for the Pydantic error types a hand-written plan is likely to hit.
_MESSAGES_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段（拼写是否有误？）",
    "literal_error": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "格式不符",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "too_short": "至少需要一项",
    "value_error": "取值无效",
}


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals built from the text as written (14.5 stays 14.5)."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return loader.construct_yaml_float(node)
    return value if value.is_finite() else loader.construct_yaml_float(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _line_at(root: yaml.Node, path: tuple[Any, ...]) -> int:
    """1-based line of the value at ``path`` (keys and list indices).

    Where the path leaves the tree (a missing field), the line of the key that holds the
    enclosing mapping (``metadata:``), or the list item's first line, is the best place to point.
    """
    node, line = root, root.start_mark.line
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                None,
            )
            if match is None:
                return line + 1
            key, node = match
            line = key.start_mark.line if isinstance(node, yaml.MappingNode) else node.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            return line + 1
    return line + 1


def _field_name(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" in str(part) or part in {"decimal", "str", "int", "none"}:
            break  # Pydantic's internal validator names are not fields
        else:
            text += ("." if text else "") + str(part)
    return text


def _duplicate_keys(node: yaml.Node) -> list[tuple[yaml.Node, str]]:
    """Keys written twice in one mapping (PyYAML would silently keep the last)."""
    found: list[tuple[yaml.Node, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    found.append((key, key.value))
                seen.add(key.value)
            found += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item)
    return found


def _parse(text: str, filename: str) -> tuple[yaml.Node, Any]:
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise EcerError("PLAN_INVALID", "文件为空", file=filename)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise EcerError(
            "PLAN_INVALID", f"YAML 语法错误：{getattr(exc, 'problem', exc)}", file=filename, row=row
        ) from exc
    finally:
        loader.dispose()
    return node, data


def load_plan_text(text: str, filename: str = "<plan>") -> Plan:
    """Validate a plan written as YAML; every problem is raised at once, each with its line."""
    node, data = _parse(text, filename)
    problems = [
        Problem(
            "PLAN_INVALID",
            f"键重复：{name}",
            Location(file=filename, row=key.start_mark.line + 1, field=name),
        )
        for key, name in _duplicate_keys(node)
    ]
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = _line_at(node, loc)
            reason = _MESSAGES_ZH.get(err["type"], "")
            detail = f"{reason}（{err['msg']}）" if reason else err["msg"]
            value = None if err["type"] == "missing" else err.get("input")
            if isinstance(value, (dict, list)):
                value = None
            problems.append(
                Problem(
                    "PLAN_INVALID",
                    detail,
                    Location(file=filename, row=line, field=_field_name(loc) or None, value=value),
                )
            )
        raise EcerError(problems) from None
    for finding in check_plan(plan):
        line = _line_at(node, finding.path)
        problems.append(
            Problem(
                finding.code,
                finding.detail,
                Location(
                    file=filename,
                    row=line,
                    field=_field_name(finding.path) or None,
                    value=finding.value,
                ),
            )
        )
    if problems:
        raise EcerError(problems)
    return plan


def load_plan_file(path: str | Path) -> Plan:
    """Read and validate a plan file (UTF-8 YAML)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise EcerError("PLAN_NOT_FOUND", str(p), file=str(p)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EcerError("PLAN_INVALID", f"无法读取（应为 UTF-8 文本）：{exc}", file=str(p)) from exc
    return load_plan_text(text, str(p))


def builtin_plan_ids() -> list[str]:
    """Ids of the plans shipped in ``ecer/data/plans``, sorted."""
    folder = resources.files(PLANS_PACKAGE).joinpath(PLANS_DIR)
    return sorted(f.name.removesuffix(".yaml") for f in folder.iterdir() if f.name.endswith(".yaml"))


@lru_cache(maxsize=8)
def builtin_plan(plan_id: str) -> Plan:
    """A shipped plan by id (e.g. ``jilin-2021-2025``); PLAN_NOT_FOUND lists the valid ids."""
    if plan_id not in builtin_plan_ids():
        raise EcerError(
            "PLAN_NOT_FOUND", f"{plan_id}（内置规划：{'、'.join(builtin_plan_ids())}）", value=plan_id
        )
    resource = resources.files(PLANS_PACKAGE).joinpath(PLANS_DIR, f"{plan_id}.yaml")
    return load_plan_text(resource.read_text(encoding="utf-8"), f"{PLANS_DIR}/{plan_id}.yaml")


def plan_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the plan format, generated from the model."""
    schema = Plan.model_json_schema(mode="validation")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "ECER plan",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def plan_json_schema_text() -> str:
    """The schema exactly as committed in ``data/plans/plan.schema.json``."""
    return json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n"
