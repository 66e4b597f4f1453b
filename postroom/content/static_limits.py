"""Limits a template passes without being run: sizes written into it as constants.

The trial render at save time only takes the branches a sample subscriber
takes; `{% if subscriber.attributes.vip %}{{ 'a'.ljust(10**9) }}{% endif %}`
would pass it and fail for every VIP. Sizes given as constants (or constant
arithmetic) are found here, on any branch, with their line.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import nodes

from postroom.content.sizes import int_digits

_PADDING = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "to_bytes"})
_ARITHMETIC: dict[type[nodes.Node], Callable[[int, int], int]] = {
    nodes.Add: lambda a, b: a + b,
    nodes.Sub: lambda a, b: a - b,
    nodes.Mul: lambda a, b: a * b,
}


def constant(node: nodes.Node) -> Any:
    """The value of a constant expression (numbers, strings, + - * **), or None."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Neg):
        value = constant(node.node)
        return -value if isinstance(value, int) else None
    if isinstance(node, nodes.Pow):
        base, exponent = constant(node.left), constant(node.right)
        small = isinstance(base, int) and isinstance(exponent, int) and 0 <= exponent <= 64
        return base**exponent if small and int_digits(base) * max(exponent, 1) <= 4_000 else None
    operation = _ARITHMETIC.get(type(node))
    if operation is not None:
        left, right = constant(node.left), constant(node.right)  # type: ignore[attr-defined]
        numbers = isinstance(left, int) and isinstance(right, int)
        if numbers and int_digits(left) + int_digits(right) <= 4_000:
            return operation(left, right)
    return None


def _ints(values: list[Any]) -> Iterator[int]:
    return (v for v in values if isinstance(v, int) and not isinstance(v, bool))


def size_problems(
    ast: nodes.Template, *, limit: int, max_range: int, widths: dict[str, tuple[int, str]]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line, kind, details) for each constant size over its limit, in source order.

    Kinds: "size" (a result over `limit` characters), "range" (over
    `max_range` items) and "width" (a filter's size argument over its cap).
    """
    for found in ast.find_all((nodes.Call, nodes.Filter)):
        node: Any = found
        if isinstance(node, nodes.Filter):
            cap = widths.get(node.name)
            if cap is not None and any(abs(v) > 1_000 for v in _ints(_argument(node, *cap))):
                yield node.lineno, "width", {"f": node.name}
            continue
        func = node.node
        args = [constant(a) for a in node.args]
        if isinstance(func, nodes.Name) and func.name == "range":
            numbers = list(_ints(args))
            known = numbers and len(numbers) == len(args) <= 3 and numbers[-1] != 0
            if known and len(range(*numbers)) > max_range:
                yield node.lineno, "range", {}
            continue
        if not isinstance(func, nodes.Getattr):
            continue
        if func.attr in _PADDING and any(v > limit for v in _ints(_argument(node, 1, ""))):
            yield node.lineno, "size", {}
        elif func.attr == "format" and isinstance(func.node, nodes.Const):
            spec = str(func.node.value)
            if any(len(n) > 9 or int(n) > limit for n in re.findall(r"\d+", spec)):
                yield node.lineno, "size", {}


def _argument(node: nodes.Call | nodes.Filter, position: int, key: str) -> list[Any]:
    """The constant values given at `position` (1: the first argument) or as `key`."""
    values = [constant(node.args[position - 1])] if len(node.args) >= position else []
    values += [constant(k.value) for k in node.kwargs if k.key == key or not key]
    return values
