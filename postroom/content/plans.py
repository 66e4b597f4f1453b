"""A fast path for templates that only print variables: their text and values, joined.

Most campaign messages are text with `{{ subscriber.first_name }}` and a few
URLs in it. Rendering such a template through Jinja costs a sandboxed lookup
and an escape per occurrence, for every recipient; a plan looks each distinct
variable up once, escapes it once and joins the fixed text around it.

A plan is made only for templates whose every node is fixed text or a
variable path (`name`, `name.key`, `name["key"]`); anything else (a tag, a
filter, an expression, an include) keeps the whole template on Jinja. At
render time a plan gives up (returns None) the moment a value is not where a
plain dict lookup finds it, and the caller renders with Jinja instead: a
missing value, a non-dict along the path, a key that a dict method would
shadow. So the fast path never decides anything Jinja would decide
differently; the tests compare both on many contexts.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from jinja2 import nodes
from markupsafe import escape

from postroom.content.templating import DICT_ATTRIBUTES, TemplateError


@dataclass(frozen=True)
class Plan:
    # Output order: fixed text as it is, and for each value the index of its path.
    sequence: tuple[str | int, ...]
    paths: tuple[tuple[str, ...], ...]  # distinct variable paths
    autoescape: bool

    def render(self, context: Mapping[str, Any]) -> str | None:
        """The template's output for `context`, or None where Jinja must decide."""
        values = []
        for path in self.paths:
            value: Any = context
            for key in path:
                if type(value) is not dict:
                    return None
                value = value.get(key, _MISSING)
                if value is _MISSING:
                    return None
            values.append(str(escape(value)) if self.autoescape else str(value))
        size = self.fixed + sum(len(values[i]) * n for i, n in enumerate(self.uses))
        if size > settings.RENDER_MAX_CHARS:
            return None  # Jinja refuses it, with its message, before joining it all
        return "".join([part if isinstance(part, str) else values[part] for part in self.sequence])

    @cached_property
    def fixed(self) -> int:
        return sum(len(part) for part in self.sequence if isinstance(part, str))

    @cached_property
    def uses(self) -> tuple[int, ...]:
        """How often each path is printed."""
        return tuple(self.sequence.count(i) for i in range(len(self.paths)))


_MISSING = object()


def plan_make(env: Any, source: str) -> Plan | None:
    """The plan for `source` in `env`, or None when the template does more than print values."""
    try:
        template = env.parse(source)
    except TemplateError:
        return None
    sequence: list[str | int] = []
    paths: dict[tuple[str, ...], int] = {}
    for node in template.body:
        if not isinstance(node, nodes.Output):
            return None
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                if sequence and isinstance(sequence[-1], str):
                    sequence[-1] += child.data
                else:
                    sequence.append(child.data)
                continue
            path = _path(child)
            if path is None:
                return None
            sequence.append(paths.setdefault(path, len(paths)))
    return Plan(sequence=tuple(sequence), paths=tuple(paths), autoescape=bool(env.autoescape))


def _path(node: nodes.Node) -> tuple[str, ...] | None:
    """`subscriber.first_name` as ("subscriber", "first_name"); None for anything else."""
    keys: list[str] = []
    while True:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            keys.append(node.name)
            return tuple(reversed(keys))
        if isinstance(node, nodes.Getattr) and node.ctx == "load":
            if node.attr in DICT_ATTRIBUTES:  # `d.items` is the method
                return None
            keys.append(node.attr)
            node = node.node
            continue
        if (
            isinstance(node, nodes.Getitem)
            and node.ctx == "load"
            and isinstance(node.arg, nodes.Const)
            and type(node.arg.value) is str
        ):
            keys.append(node.arg.value)
            node = node.node
            continue
        return None
