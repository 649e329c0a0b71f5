"""A tiny arithmetic language for the reduction formulas kept in ``data/reduction_formulas.yaml``.

The formulas are data the environment bureau edits, so they are parsed, never ``eval``-ed: the
grammar has numbers, named parameters, ``+ - * /``, unary minus, parentheses and one sum over a
list-valued parameter group, ``sum(items: usage * content)``::

    expr    := term (("+" | "-") term)*
    term    := factor (("*" | "/") factor)*
    factor  := "-" factor | primary
    primary := NUMBER | NAME | "(" expr ")" | "sum" "(" NAME ":" expr ")"

The same tree is evaluated on Decimal magnitudes (``evaluate``), on pint quantities to check the
formula's units (``evaluate_units``), and rendered for the documentation (``render``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/():]))")


class ExpressionError(ValueError):
    """The formula text is not in the grammar; the loader turns it into REDUCTION_FORMULAS_INVALID."""


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Sum:
    group: str
    body: Node


Node = Num | Name | Neg | BinOp | Sum


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"unexpected character at {pos}: {text[pos:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.in_sum = False

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        token = self.peek()
        if token is None or (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise ExpressionError(f"expected {value or kind} at token {self.pos}, got {token}")
        self.pos += 1
        return token[1]

    def expr(self) -> Node:
        node = self.term()
        while (token := self.peek()) is not None and token[1] in "+-" and token[0] == "op":
            op = self.take()
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (token := self.peek()) is not None and token[1] in "*/" and token[0] == "op":
            op = self.take()
            node = BinOp(op, node, self.factor())
        return node

    def factor(self) -> Node:
        token = self.peek()
        if token == ("op", "-"):
            self.take()
            return Neg(self.factor())
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise ExpressionError("unexpected end of formula")
        kind, value = token
        if kind == "num":
            self.take()
            return Num(Decimal(value))
        if kind == "name" and value == "sum":
            if self.in_sum:
                raise ExpressionError("nested sum() is not supported")
            self.take()
            self.take("(")
            group = self.take(kind="name")
            self.take(":")
            self.in_sum = True
            body = self.expr()
            self.in_sum = False
            self.take(")")
            return Sum(group, body)
        if kind == "name":
            self.take()
            return Name(value)
        if value == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        raise ExpressionError(f"unexpected {value!r}")


def parse(text: str) -> Node:
    """Parse a formula; raise ExpressionError on anything outside the grammar."""
    parser = _Parser(text)
    node = parser.expr()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()} after the formula")
    return node


def names(node: Node) -> set[tuple[str | None, str]]:
    """Parameter names used, as (group or None, name); ``sum`` bodies name the group's members."""
    found: set[tuple[str | None, str]] = set()

    def walk(n: Node, group: str | None) -> None:
        match n:
            case Name(name):
                found.add((group, name))
            case Neg(operand):
                walk(operand, group)
            case BinOp(_, left, right):
                walk(left, group)
                walk(right, group)
            case Sum(g, body):
                walk(body, g)

    walk(node, None)
    return found


def _fold(
    node: Node,
    scope: Mapping[str, Any],
    groups: Mapping[str, Sequence[Mapping[str, Any]]],
    number: Callable[[Decimal], Any],
    add_check: Callable[[Any, Any], None] | None = None,
) -> Any:
    match node:
        case Num(value):
            return number(value)
        case Name(name):
            if name not in scope:
                raise KeyError(name)
            return scope[name]
        case Neg(operand):
            value = _fold(operand, scope, groups, number, add_check)
            return value if add_check is not None else -value
        case BinOp(op, left, right):
            a = _fold(left, scope, groups, number, add_check)
            b = _fold(right, scope, groups, number, add_check)
            if op in "+-" and add_check is not None:
                add_check(a, b)
                return a  # unit algebra: keep magnitude 1, never cancel to 0
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            return a / b
        case Sum(group, body):
            items = groups.get(group, ())
            if not items:
                raise KeyError(group)
            total = None
            for item in items:
                value = _fold(body, {**scope, **item}, groups, number, add_check)
                if total is not None and add_check is not None:
                    add_check(total, value)
                    continue
                total = value if total is None else total + value
            return total
    raise ExpressionError(f"unknown node {node!r}")  # pragma: no cover


def evaluate(
    node: Node,
    scope: Mapping[str, Decimal],
    groups: Mapping[str, Sequence[Mapping[str, Decimal]]] | None = None,
) -> Decimal:
    """Evaluate on Decimal magnitudes; a missing name raises KeyError, ÷0 raises decimal errors."""
    return _fold(node, scope, groups or {}, lambda d: d)


def evaluate_units(
    node: Node,
    scope: Mapping[str, Any],
    groups: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    *,
    one: Callable[[Decimal], Any],
) -> Any:
    """Evaluate on pint quantities of magnitude 1 to find the formula's unit and its scale.

    Sums, differences and negation keep the magnitude 1 (so ``C_in - C_out`` does not cancel to
    0), and must join quantities in the very same unit (not only the same
    dimension), because ``evaluate`` adds magnitudes as they stand.
    """

    def same_unit(a: Any, b: Any) -> None:
        if a.units != b.units:
            raise ExpressionError(f"cannot add or subtract {a.units} and {b.units}")

    return _fold(node, scope, groups or {}, one, same_unit)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: Decimal) -> str:
    """``1E-6`` → ``10⁻⁶``; plain numbers stay as written."""
    sign, digits, exponent = value.as_tuple()
    if digits == (1,) and isinstance(exponent, int) and exponent != 0 and not sign:
        return "10" + str(exponent).translate(_SUPERSCRIPT)
    return format(value, "f") if isinstance(exponent, int) and exponent >= -6 else str(value)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SYMBOL = {"+": " + ", "-": " − ", "*": " × ", "/": " ÷ "}


def render(node: Node, label: Callable[[str], str] = str) -> str:
    """Human form with × ÷ −, minimal parentheses, Σ for sums; ``label`` maps names to symbols."""

    def go(n: Node, parent: int, right_side: bool) -> str:
        match n:
            case Num(value):
                return format_number(value)
            case Name(name):
                return label(name)
            case Neg(operand):
                return "−" + go(operand, 3, False)
            case Sum(group, body):
                return f"Σ_{label(group)}[{go(body, 0, False)}]"
            case BinOp(op, left, right):
                mine = _PRECEDENCE[op]
                text = go(left, mine, False) + _SYMBOL[op] + go(right, mine, True)
                if mine < parent or (mine == parent and right_side):
                    return f"({text})"
                return text
        raise ExpressionError(f"unknown node {n!r}")  # pragma: no cover

    return go(node, 0, False)
