"""The sandbox user templates run in: Jinja2's ImmutableSandboxedEnvironment with limits.

Templates are written by customers, so they are untrusted: no attribute
starting with an underscore, no mutation of data, no unsafe callables (the
sandbox), plus limits of our own on time, output size, loop ranges and
arithmetic that could build huge values. The context holds plain data only
(dicts, strings, numbers), never model instances.
"""

import contextvars
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jinja2 import ChainableUndefined, DictLoader, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_RANGE = 1_000
# Keys a dict method shadows: `d.items` is the method in Jinja, not d["items"].
DICT_ATTRIBUTES = frozenset(dir(dict))
MAX_SEQUENCE = 100_000

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("template_deadline", default=0.0)


class RenderLimitExceeded(SecurityError):
    """A template took too long or produced too much."""


def _tick() -> None:
    deadline = _deadline.get()
    if deadline and time.monotonic() > deadline:
        raise RenderLimitExceeded(_("The template took too long to render."))


def _limited_range(*args: int) -> Iterator[int]:
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise RenderLimitExceeded(_("range() is limited to %(n)s items.") % {"n": MAX_RANGE})
    for value in values:
        _tick()
        yield value


def _sized(value: Any) -> int:
    """The number of characters a value stands for (strings inside sequences count in full)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(len(v) if isinstance(v, str) else 1 for v in value[:MAX_SEQUENCE]) + max(
            0, len(value) - MAX_SEQUENCE
        )
    return 0


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "%" and isinstance(left, str):
            raise SecurityError(_("Percent-style string formatting is not available in messages."))
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise RenderLimitExceeded(_("The exponent is too large."))
        if operator == "*":
            factor = right if isinstance(right, int) else left if isinstance(left, int) else 1
            if max(_sized(left), _sized(right)) * abs(factor) > MAX_SEQUENCE:
                raise RenderLimitExceeded(_("The value would be too large."))
        if operator == "+" and _sized(left) + _sized(right) > MAX_SEQUENCE:
            raise RenderLimitExceeded(_("The value would be too large."))
        return super().call_binop(context, operator, left, right)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        # Refuse at once rather than render an empty value: a template that tries
        # to reach internals is broken, and saying so beats silently sending it.
        raise SecurityError(_("“%(attr)s” may not be used in a template.") % {"attr": attribute})

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Contexts are plain dicts: a key that no dict method shadows is what the
        # sandbox would return anyway, found without a failed attribute lookup
        # (and in constant time: no need to look at the clock).
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)


_MAX_WIDTH = 1_000


def _width_limited(name: str, filter_: Any, *positions: int, keys: tuple[str, ...] = ()) -> Any:
    """A built-in filter whose size arguments are capped (they allocate before any check runs)."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        values = [args[i] for i in positions if i < len(args)] + [
            kwargs[k] for k in keys if k in kwargs
        ]
        if any(isinstance(v, int) and abs(v) > _MAX_WIDTH for v in values):
            raise RenderLimitExceeded(
                _("%(f)s: the size is limited to %(n)s.") % {"f": name, "n": _MAX_WIDTH}
            )
        return filter_(*args, **kwargs)

    guarded.__name__ = name
    return guarded


def _size_checked(name: str, filter_: Any) -> Any:
    """A filter refused when its input already stands for more than the output cap."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        value = args[1] if len(args) > 1 else None  # (eval_context, value, ...)
        if isinstance(value, (list, tuple)) and _sized(value) > settings.RENDER_MAX_CHARS:
            raise RenderLimitExceeded(_("The value would be too large."))
        return filter_(*args, **kwargs)

    guarded.__name__ = name
    for attr in ("jinja_pass_arg",):
        if hasattr(filter_, attr):
            setattr(guarded, attr, getattr(filter_, attr))
    return guarded


def _refused(name: str) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise SecurityError(_("The “%(f)s” filter is not available in messages.") % {"f": name})

    return refused


def environment(
    *, blocks: Mapping[str, str] | None = None, autoescape: bool = True
) -> LimitedEnvironment:
    """A fresh sandbox; `blocks` are what `{% include "key" %}` may pull in."""
    env = LimitedEnvironment(
        autoescape=autoescape,
        undefined=ChainableUndefined,
        loader=DictLoader(dict(blocks or {})),
        auto_reload=False,
    )
    env.globals = {"range": _limited_range}
    f = env.filters
    f["center"] = _width_limited("center", f["center"], 1, keys=("width",))
    f["indent"] = _width_limited("indent", f["indent"], 1, keys=("width",))
    f["wordwrap"] = _width_limited("wordwrap", f["wordwrap"], 2, keys=("width",))
    f["slice"] = _width_limited("slice", f["slice"], 1, keys=("slices",))
    f["batch"] = _width_limited("batch", f["batch"], 1, keys=("linecount",))
    f["join"] = _size_checked("join", f["join"])
    # printf-style formatting can build strings of any width before anything checks.
    f["format"] = _refused("format")
    return env


@dataclass(frozen=True)
class TemplateProblem:
    line: int
    column: int
    message: str

    def as_error(self, field: str) -> ValidationError:
        return ValidationError(
            {field: _("Line %(line)s, column %(column)s: %(message)s") % self.__dict__}
        )


def _column(source: str, line: int) -> int:
    """Where on `line` the failing tag starts (Jinja reports lines only)."""
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return 1
    text = lines[line - 1]
    starts = [i for i in (text.rfind("{{"), text.rfind("{%")) if i >= 0]
    return (max(starts) + 1) if starts else 1


def template_problem(
    source: str, *, blocks: Mapping[str, str] | None = None
) -> TemplateProblem | None:
    """The first syntax error of `source` with its line and column, or None."""
    env = environment(blocks=blocks)
    try:
        ast = env.parse(source)
        env.compile(ast)
    except TemplateSyntaxError as exc:
        line = exc.lineno or 1
        return TemplateProblem(line, _column(source, line), exc.message or str(exc))
    for node in ast.find_all((nodes.Macro, nodes.CallBlock)):
        line = node.lineno
        return TemplateProblem(
            line, _column(source, line), _("Macros are not available in messages.")
        )
    for loop in ast.find_all(nodes.For):
        if loop.recursive:
            line = loop.lineno
            return TemplateProblem(
                line, _column(source, line), _("Recursive loops are not available in messages.")
            )
    for include in ast.find_all(nodes.Include):
        if isinstance(include.template, nodes.Const) and include.template.value not in (
            blocks or {}
        ):
            line = include.lineno
            return TemplateProblem(
                line,
                _column(source, line),
                _("No content block “%(key)s”.") % {"key": include.template.value},
            )
    return None


def _template_tracer(frame: Any, event: str, arg: Any) -> Any:
    # Only frames of compiled templates are traced line by line: a loop over any
    # iterable, however it was built, checks the deadline on every iteration.
    if frame.f_code.co_filename == "<template>":
        return _line_tick
    return None


def _line_tick(frame: Any, event: str, arg: Any) -> Any:
    if event == "line":
        _tick()
    return _line_tick


def can_loop(env: Any, source: str, *, depth: int = 0) -> bool:
    """Whether a template (or a block it includes) has a loop.

    Only a template that can loop needs the line tracer: without loops (macros
    and recursion are refused at save time) its work is bounded by its size.
    """
    try:
        ast = env.parse(source)
    except TemplateError:
        return True
    if ast.find(nodes.For) is not None:
        return True
    for include in ast.find_all(nodes.Include):
        if not isinstance(include.template, nodes.Const) or depth > 5:
            return True
        included = getattr(env.loader, "mapping", {}).get(include.template.value)
        if included is None or can_loop(env, included, depth=depth + 1):
            return True
    return False


def render_limited(template: Any, context: Mapping[str, Any], *, traced: bool = True) -> str:
    """Render with the time and size caps of RENDER_TIMEOUT_MS and RENDER_MAX_CHARS.

    `traced=False` is for templates `can_loop` found loop-free: rendered in
    one go (the sandbox still guards every value), then measured.
    """
    limit = settings.RENDER_MAX_CHARS
    token = _deadline.set(time.monotonic() + settings.RENDER_TIMEOUT_MS / 1000)
    if not traced:
        # No line tracer, but the deadline holds: every call, operator, filter
        # argument and attribute lookup of the sandbox checks it.
        try:
            output = template.render(context)
        except (RecursionError, MemoryError) as exc:
            raise RenderLimitExceeded(
                _("The template is too deep or too large to render.")
            ) from exc
        finally:
            _deadline.reset(token)
        if len(output) > limit:
            raise RenderLimitExceeded(
                _("The message is larger than %(n)s characters.") % {"n": limit}
            )
        return output
    previous_trace = sys.gettrace()
    sys.settrace(_template_tracer)
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > limit:
                raise RenderLimitExceeded(
                    _("The message is larger than %(n)s characters.") % {"n": limit}
                )
            parts.append(chunk)
            _tick()
        return "".join(parts)
    except (RecursionError, MemoryError) as exc:
        raise RenderLimitExceeded(_("The template is too deep or too large to render.")) from exc
    finally:
        sys.settrace(previous_trace)
        _deadline.reset(token)


__all__ = [
    "DICT_ATTRIBUTES",
    "RenderLimitExceeded",
    "SecurityError",
    "TemplateError",
    "TemplateProblem",
    "can_loop",
    "environment",
    "render_limited",
    "template_problem",
]
