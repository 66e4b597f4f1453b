"""The sandbox user templates run in: Jinja2's ImmutableSandboxedEnvironment with limits.

Templates are written by customers, so they are untrusted: no attribute
starting with an underscore, no mutation of data, no unsafe callables (the
sandbox), plus limits of our own on time, output size, loop ranges and
every operation that could build a huge value. Sizes are checked *before*
the operation runs (see sizes.py): a template must not allocate a gigabyte
for us to find out that the result is too large. The context holds plain
data only (dicts, strings, numbers), never model instances.
"""

import contextvars
import re
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import update_wrapper
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jinja2 import ChainableUndefined, DictLoader, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import EscapeFormatter, Markup

from postroom.content.sizes import FILTER_BOUNDS, footprint, int_digits, joined, method_bound
from postroom.content.static_limits import size_problems

MAX_RANGE = 1_000
# Keys a dict method shadows: `d.items` is the method in Jinja, not d["items"].
DICT_ATTRIBUTES = frozenset(dir(dict))
MAX_SEQUENCE = 100_000
# Below Python's limit on converting ints to text (4300 digits), which would fail.
MAX_INT_DIGITS = 4_000

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("template_deadline", default=0.0)


class RenderLimitExceeded(SecurityError):
    """A template took too long or produced too much."""


class RenderError(TemplateError):
    """A template failed while rendering (a division by zero, a wrong argument...)."""


def _tick() -> None:
    deadline = _deadline.get()
    if deadline and time.monotonic() > deadline:
        raise RenderLimitExceeded(_("The template took too long to render."))


# The output cap of the render in progress (read from settings once per render).
_limit: contextvars.ContextVar[int] = contextvars.ContextVar("template_limit", default=0)


def _max_chars() -> int:
    return _limit.get() or int(settings.RENDER_MAX_CHARS)


def _too_large() -> RenderLimitExceeded:
    return RenderLimitExceeded(
        _("The value would be longer than %(n)s characters.") % {"n": _max_chars()}
    )


def _checked(value: Any) -> Any:
    """`value`, refused when printing it would pass the output cap."""
    if value is None or isinstance(value, (bool, float)):
        return value
    limit = _max_chars()
    size = len(value) if isinstance(value, str) else footprint(value, limit)
    if size > limit:
        raise _too_large()
    return value


def _number(value: Any) -> bool:
    return isinstance(value, (int, float))


def _ticking(values: range) -> Iterator[int]:
    for value in values:
        _tick()
        yield value


def _limited_range(*args: int) -> Iterator[int]:
    # Refused when called, not when first iterated: `range(10**9)|length` too.
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise RenderLimitExceeded(_("range() is limited to %(n)s items.") % {"n": MAX_RANGE})
    return _ticking(values)


def _sized(value: Any) -> int:
    """The number of characters a value stands for (strings inside sequences count in full)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(len(v) if isinstance(v, str) else 1 for v in value[:MAX_SEQUENCE]) + max(
            0, len(value) - MAX_SEQUENCE
        )
    return 0


class _Buffer(list[str]):
    """Output captured by `{% set %}` and `{% filter %}` blocks, held to the output cap."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0
        self.limit = _max_chars()

    def append(self, chunk: str) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _too_large()
        super().append(chunk)

    def extend(self, chunks: Iterable[str]) -> None:
        for chunk in chunks:
            self.append(chunk)


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's compiler, with `~` and captured output going through the environment's checks."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            markup = "context.eval_ctx.volatile"
        else:
            markup = "True" if frame.eval_ctx.autoescape else "False"
        self.write("environment.concat_values((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(f"), {markup})")

    # A literal can hold the same long value many times over, and nest: held to the cap.
    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self._literal(super().visit_List, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        self._literal(super().visit_Tuple, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self._literal(super().visit_Dict, node, frame)

    def _literal(self, visit: Any, node: Any, frame: Frame) -> None:
        if getattr(node, "ctx", "load") != "load":
            visit(node, frame)  # an assignment target, not a value
            return
        self.write("environment.literal(")
        visit(node, frame)
        self.write(")")

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")


class _LimitedFormatter(SandboxedFormatter):
    """str.format with every width and precision, and the whole result, held to the cap."""

    def __init__(self, env: Any, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.size = 0
        self.limit = _max_chars()

    def format_field(self, value: Any, format_spec: str) -> Any:
        _tick()
        room = self.limit - self.size
        if any(len(n) > 9 or int(n) > room for n in re.findall(r"\d+", format_spec)):
            raise _too_large()
        if footprint(value, room) > room:
            raise _too_large()
        result = super().format_field(value, format_spec)
        self.size += len(result)
        if self.size > self.limit:
            raise _too_large()
        return result


class _LimitedEscapeFormatter(_LimitedFormatter, SandboxedEscapeFormatter, EscapeFormatter):
    pass


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _LimitedCodeGenerator

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "%" and isinstance(left, (str, bytes)):
            raise SecurityError(_("Percent-style string formatting is not available in messages."))
        if operator == "**":
            self._check_power(left, right)
        elif operator == "*":
            self._check_product(left, right)
        elif operator == "+" and not _number(left) and not _number(right):
            if _sized(left) + _sized(right) > MAX_SEQUENCE:
                raise RenderLimitExceeded(_("The value would be too large."))
            limit = _max_chars()
            if footprint(left, limit) + footprint(right, limit) > limit:
                raise _too_large()
        return super().call_binop(context, operator, left, right)

    @staticmethod
    def _check_power(left: Any, right: Any) -> None:
        if not _number(right):
            return
        if abs(right) > 64 or (
            isinstance(left, int) and right > 0 and int_digits(left) * right > MAX_INT_DIGITS
        ):
            raise RenderLimitExceeded(_("The exponent is too large."))

    @staticmethod
    def _check_product(left: Any, right: Any) -> None:
        if isinstance(left, int) and isinstance(right, int):
            if int_digits(left) + int_digits(right) > MAX_INT_DIGITS:
                raise _too_large()
            return
        factor = right if isinstance(right, int) else left if isinstance(left, int) else 1
        if max(_sized(left), _sized(right)) * abs(factor) > MAX_SEQUENCE:
            raise RenderLimitExceeded(_("The value would be too large."))
        sequence = left if factor is right else right
        if footprint(sequence, _max_chars()) * abs(factor) > _max_chars():
            raise _too_large()

    def concat(self, chunks: Iterable[str]) -> str:
        """Jinja joins a template's output with this: it stops at the output cap."""
        if isinstance(chunks, _Buffer):
            return "".join(chunks)
        limit, size, parts = _max_chars(), 0, []
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise RenderLimitExceeded(
                    _("The message is larger than %(n)s characters.") % {"n": limit}
                )
            parts.append(chunk)
        return "".join(parts)

    def literal(self, value: Any) -> Any:
        return _checked(value)

    def output_buffer(self) -> _Buffer:
        return _Buffer()

    def concat_values(self, values: tuple[Any, ...], markup: bool) -> str:
        """The `~` operator: refused before joining when the result would pass the cap."""
        _tick()
        limit = _max_chars()
        if all(type(v) is str for v in values):
            size = sum(map(len, values))
        else:
            size = joined("", list(values), limit)
        if size > limit:
            raise _too_large()
        return markup_join(values) if markup else str_join(values)

    def wrap_str_format(self, value: Any) -> Any:
        """str.format and format_map with our formatter, which caps widths and the result."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        f_self: Any = value.__self__
        is_format_map = value.__name__ == "format_map"

        def limited(*args: Any, **kwargs: Any) -> str:
            formatter: _LimitedFormatter
            if isinstance(f_self, Markup):
                formatter = _LimitedEscapeFormatter(self, escape=f_self.escape)
            else:
                formatter = _LimitedFormatter(self)
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(f_self)(formatter.vformat(f_self, (), args[0]))
            return type(f_self)(formatter.vformat(f_self, args, kwargs))

        return update_wrapper(limited, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        # Refuse at once rather than render an empty value: a template that tries
        # to reach internals is broken, and saying so beats silently sending it.
        raise SecurityError(_("“%(attr)s” may not be used in a template.") % {"attr": attribute})

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Calls, with the size of what str and bytes methods build checked before they run."""
        _tick()
        limit = _max_chars()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, (str, bytes)) and name == "join" and args:
            items = list(args[0]) if not isinstance(args[0], list) else args[0]
            if joined(owner, items, limit) > limit:
                raise _too_large()
            args = (items, *args[1:])
        elif owner is not None and method_bound(owner, name, args, kwargs) > limit:
            raise _too_large()
        return _checked(super().call(__context, __obj, *args, **kwargs))

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
# Size arguments of filters, capped outright: (position after the value, keyword).
_WIDTHS = {
    "center": (1, "width"),
    "indent": (1, "width"),
    "wordwrap": (1, "width"),
    "slice": (1, "slices"),
    "batch": (1, "linecount"),
}
# Filters that run Python code per item or per character without calling back into
# the template (which would check the clock): traced while they run, so that the
# deadline stops them too. The others work in C, in constant time, or lazily.
_SLOW_FILTERS = frozenset(
    {
        *("dictsort", "groupby", "indent", "pprint", "sort", "striptags", "tojson"),
        *("truncate", "unique", "urlize", "wordcount", "wordwrap", "xmlattr"),
    }
)


def _deep_tracer(frame: Any, event: str, arg: Any) -> Any:
    _tick()
    return _line_tick


def _guarded(name: str, filter_: Any) -> Any:
    """A built-in filter refused before it runs when its result would pass the cap.

    Its result is held to the cap as well (a list printed is every item printed).
    """
    pass_arg = getattr(filter_, "jinja_pass_arg", None)
    skip = 1 if pass_arg is not None else 0  # the context, eval context or environment
    bound = FILTER_BOUNDS.get(name)
    width = _WIDTHS.get(name)
    quick = name not in _SLOW_FILTERS
    if quick and bound is None and width is None and name not in ("join", "sum"):

        def plain(*args: Any, **kwargs: Any) -> Any:
            # _tick() and _checked() written out: these filters are the common ones.
            deadline = _deadline.get()
            if deadline and time.monotonic() > deadline:
                _tick()
            result = filter_(*args, **kwargs)
            if type(result) is str:
                if len(result) > (_limit.get() or _max_chars()):
                    raise _too_large()
                return result
            return _checked(result)

        plain.__name__ = name
        if pass_arg is not None:
            plain.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
        return plain

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        user_args = args[skip:]
        if width is not None:
            position, key = width
            value = kwargs.get(key, user_args[position] if len(user_args) > position else None)
            if isinstance(value, int) and abs(value) > _MAX_WIDTH:
                raise RenderLimitExceeded(
                    _("%(f)s: the size is limited to %(n)s.") % {"f": name, "n": _MAX_WIDTH}
                )
        if name == "join" and user_args:
            items = user_args[0]
            items = items if isinstance(items, list) else list(items)
            separator = kwargs.get("d", user_args[1] if len(user_args) > 1 else "")
            if joined(separator, items, _max_chars()) > _max_chars():
                raise _too_large()
            args = (*args[:skip], items, *user_args[1:])
        if name == "sum":
            start = kwargs.get("start", user_args[2] if len(user_args) > 2 else 0)
            if not isinstance(start, (int, float)) or isinstance(start, bool):
                raise SecurityError(_("The “sum” filter adds numbers only."))
        if bound is not None and user_args:
            try:
                size = bound(*user_args, **kwargs)
            except TypeError:
                size = 0  # a wrong call: the filter refuses it with its own message
            if size > _max_chars():
                raise _too_large()
        if quick or not _deadline.get():
            return _checked(filter_(*args, **kwargs))
        previous = sys.gettrace()
        sys.settrace(_deep_tracer)
        try:
            return _checked(filter_(*args, **kwargs))
        finally:
            sys.settrace(previous)

    guarded.__name__ = name
    if pass_arg is not None:
        guarded.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
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
    env.filters = {name: _guarded(name, f) for name, f in env.filters.items()}
    # printf-style formatting can build strings of any width before anything checks.
    env.filters["format"] = _refused("format")
    return env


@dataclass(frozen=True)
class TemplateProblem:
    line: int
    column: int
    message: str

    def as_error(self, field: str, *, line: int | None = None) -> ValidationError:
        """The error on `field`; `line` when the field's own numbering differs.

        Column 0: not known (a render failure knows its line only).
        """
        values = {**self.__dict__, "line": line or self.line}
        if not self.column:
            return ValidationError({field: _("Line %(line)s: %(message)s") % values})
        return ValidationError({field: _("Line %(line)s, column %(column)s: %(message)s") % values})


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
    problem = _size_problem(ast)
    if problem is not None:
        return problem
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


def _size_problem(ast: nodes.Template) -> TemplateProblem | None:
    """The first size written into the template as a constant that a render would refuse."""
    for line, kind, details in size_problems(
        ast, limit=_max_chars(), max_range=MAX_RANGE, widths=_WIDTHS
    ):
        if kind == "range":
            message = _("range() is limited to %(n)s items.") % {"n": MAX_RANGE}
        elif kind == "width":
            message = _("%(f)s: the size is limited to %(n)s.") % {**details, "n": _MAX_WIDTH}
        else:
            message = str(_too_large())
        # Jinja knows lines only; the last tag on the line may be another one.
        return TemplateProblem(line, 0, message)
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


def render_limited(
    template: Any, context: Mapping[str, Any], *, traced: bool = True, part: str = ""
) -> str:
    """Render with the time and size caps of RENDER_TIMEOUT_MS and RENDER_MAX_CHARS.

    `traced=False` is for templates `can_loop` found loop-free: rendered in
    one go (the sandbox still guards every value, and the environment's
    `concat` stops at the output cap). Whatever goes wrong comes out as a
    TemplateError carrying the template line (`lineno`) and `part`, the name
    of the template (subject, html...); never as an arbitrary exception.
    """
    token = _deadline.set(time.monotonic() + settings.RENDER_TIMEOUT_MS / 1000)
    limit_token = _limit.set(int(settings.RENDER_MAX_CHARS))
    previous_trace = sys.gettrace()
    if traced:
        sys.settrace(_template_tracer)
    try:
        if not traced:
            return str(template.render(context))
        limit = _max_chars()
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
    except Exception as exc:
        located = _located(exc, part)
        if located is exc:
            raise
        raise located from exc
    finally:
        if traced:
            sys.settrace(previous_trace)
        _deadline.reset(token)
        _limit.reset(limit_token)


def _located(exc: Exception, part: str) -> TemplateError:
    """The template error for `exc`, with the line of the template it came from."""
    located: TemplateError
    if isinstance(exc, (RecursionError, MemoryError)):
        located = RenderLimitExceeded(_("The template is too deep or too large to render."))
    elif isinstance(exc, TemplateError):
        located = exc
    else:
        located = RenderError(str(exc) or type(exc).__name__)
    if getattr(located, "lineno", None) is None:
        located.lineno = _template_line(exc.__traceback__)  # type: ignore[attr-defined]
    if not getattr(located, "part", ""):
        located.part = part  # type: ignore[attr-defined]
    return located


def _template_line(tb: TracebackType | None) -> int | None:
    # Jinja rewrites tracebacks so that template frames carry template lines; the
    # outermost is the rendered template's own (an include's line for its blocks).
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            return tb.tb_lineno
        tb = tb.tb_next
    return None


__all__ = [
    "DICT_ATTRIBUTES",
    "RenderError",
    "RenderLimitExceeded",
    "SecurityError",
    "TemplateError",
    "TemplateProblem",
    "can_loop",
    "environment",
    "render_limited",
    "template_problem",
]
