"""How large a template value is, and how large an operation's result would be, before it runs.

The sandbox refuses an operation whose result would pass the output cap
(RENDER_MAX_CHARS) *before* the operation runs: `'a'.ljust(10**9)` must not
build a gigabyte to find out that it is too long. The bounds here are upper
bounds computed from the arguments alone, in time proportional to the
arguments (never to the result).

`footprint` bounds what a value stands for once printed: a list is printed
with every item, so a list that holds the same long string a thousand times
is a thousand long strings, however little memory it takes. Every value a
template computes is held to the cap by that measure, so printing, joining
or formatting a value the sandbox let through stays within a small multiple
of the cap too.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

# Printed size of values that are not text or containers (numbers, None, loop
# objects, functions): small, whatever they are.
_SMALL = 64
# repr() of a string inside a container: quotes, and escapes of up to 10
# characters each (`\U0010ffff`) for characters that are not printable.
_REPR_ESCAPE = 10
_CONTAINERS = (list, tuple, set, frozenset)


def footprint(value: Any, limit: int) -> int:
    """An upper bound of len(str(value)); stops counting once it passes `limit`."""
    if isinstance(value, str):
        return len(value)
    try:
        return _footprint(value, limit, {}, top=True)
    except RecursionError:
        return limit + 1


def _footprint(value: Any, limit: int, seen: dict[int, int], *, top: bool = False) -> int:
    if isinstance(value, str):
        if top:
            return len(value)
        return len(value) + 2 if value.isprintable() else _REPR_ESCAPE * len(value) + 2
    if isinstance(value, (bytes, bytearray)):
        return 4 * len(value) + 3
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return int_digits(value) + 1
    is_mapping = isinstance(value, Mapping)
    if not (is_mapping or isinstance(value, _CONTAINERS) or _is_view(value)):
        return _SMALL
    known = seen.get(id(value))
    if known is not None:
        return known
    total = 16
    items: Iterable[Any] = value.items() if is_mapping else value
    for item in items:
        if is_mapping:
            total += _footprint(item[0], limit, seen) + _footprint(item[1], limit, seen) + 4
        else:
            total += _footprint(item, limit, seen) + 2
        if total > limit:
            break
    seen[id(value)] = total
    return total


def _is_view(value: Any) -> bool:
    return type(value).__name__ in ("dict_keys", "dict_values", "dict_items")


def int_digits(value: int) -> int:
    """Decimal digits of an int, from its bit length (log10(2) < 0.30103)."""
    return value.bit_length() * 30103 // 100000 + 2


# --- str and bytes methods -------------------------------------------------------

Bound = Callable[..., int]


def _padded(s: Any, width: Any = 0, *_args: Any) -> int:
    return max(len(s), width if isinstance(width, int) else 0)


def _expandtabs(s: Any, tabsize: Any = 8) -> int:
    tab = "\t" if isinstance(s, str) else b"\t"
    return len(s) + s.count(tab) * max(tabsize if isinstance(tabsize, int) else 0, 0)


def replaced(s: Any, old: Any, new: Any, count: Any = -1) -> int:
    """The length of s.replace(old, new, count), without replacing."""
    if not (isinstance(old, type(s)) and isinstance(new, type(s))) and not (
        isinstance(s, str) and isinstance(old, str) and isinstance(new, str)
    ):
        return len(s)  # the call itself refuses the types
    found = len(s) + 1 if not old else s.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(s) + found * max(len(new) - len(old), 0)


def joined(separator: Any, items: list[Any], limit: int) -> int:
    """An upper bound of separator.join(str(item) for item in items)."""
    total = len(separator) * max(len(items) - 1, 0)
    for item in items:
        total += footprint(item, limit)
        if total > limit:
            break
    return total


def _translated(s: Any, table: Any = None, *_args: Any) -> int:
    if isinstance(table, Mapping):
        longest = max((footprint(v, 1 << 62) for v in table.values()), default=1)
        return len(s) * max(longest, 1)
    return len(s)


def _to_bytes(number: Any, length: Any = 1, *_args: Any) -> int:
    return length if isinstance(length, int) else 0


# The methods whose result can be longer than a few times their input (or whose
# size an argument chooses): for each, the result's length from the arguments.
METHOD_BOUNDS: dict[str, Bound] = {
    "ljust": _padded,
    "rjust": _padded,
    "center": _padded,
    "zfill": _padded,
    "expandtabs": _expandtabs,
    "replace": replaced,
    "translate": _translated,
    # Codecs and escapes: at most 10 characters for one (`\U0010ffff`, `&#1114111;`).
    "encode": lambda s, *_a: 10 * len(s) + 16,
    "decode": lambda s, *_a: 10 * len(s) + 16,
    "hex": lambda s, *_a: 3 * len(s),
    # Case changes can triple a character ("ﬃ".upper() is "FFI").
    "upper": lambda s, *_a: 3 * len(s),
    "lower": lambda s, *_a: 3 * len(s),
    "title": lambda s, *_a: 3 * len(s),
    "capitalize": lambda s, *_a: 3 * len(s),
    "swapcase": lambda s, *_a: 3 * len(s),
    "casefold": lambda s, *_a: 3 * len(s),
}


def method_bound(obj: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """The result length of calling method `name` of `obj`, 0 when no bound is known.

    Arguments are passed through as the method takes them; a wrong call is
    refused by the method itself, after this bound said it would be small.
    """
    if isinstance(obj, int) and name == "to_bytes":
        return _to_bytes(obj, *args, **kwargs)
    if not isinstance(obj, (str, bytes)):
        return 0
    bound = METHOD_BOUNDS.get(name)
    if bound is None:
        return 0
    try:
        return bound(obj, *args, **kwargs)
    except TypeError:
        return 0  # a wrong call: the method refuses it with its own message


def nesting(value: Any, limit: int = 200) -> int:
    """How deeply containers nest in `value` (pretty printers indent by it)."""
    if isinstance(value, (str, bytes)) or limit <= 0:
        return 0
    if isinstance(value, Mapping):
        items: Iterable[Any] = value.values()
    elif isinstance(value, _CONTAINERS):
        items = value
    else:
        return 0
    return 1 + max((nesting(item, limit - 1) for item in items), default=0)


def _filter_indent(s: Any, width: Any = 4, *_args: Any, **_kwargs: Any) -> int:
    text = str(s)
    step = width if isinstance(width, int) else len(str(width))
    return len(text) + (text.count("\n") + 1) * max(step, 0)


def _filter_wordwrap(
    s: Any, width: Any = 79, breaks: Any = True, wrapstring: Any = None, *_a: Any, **kw: Any
) -> int:
    wrap = kw.get("wrapstring", wrapstring)
    extra = len(str(wrap)) if wrap is not None else 1
    return len(str(s)) * (1 + extra)


def _filter_filled(value: Any, count: Any = 1, fill_with: Any = None, **kw: Any) -> int:
    fill = kw.get("fill_with", fill_with)
    count = kw.get("linecount", kw.get("slices", count))
    if fill is None or not isinstance(count, int):
        return 0
    return footprint(fill, 1 << 62) * max(count, 0)


def _filter_urlize(value: Any, *args: Any, **kwargs: Any) -> int:
    # Each word may become a link: the URL twice (escaped), the attributes once.
    text = str(value)
    attributes = sum(len(str(kwargs.get(k) or "")) + 16 for k in ("target", "rel", "extra_schemes"))
    attributes += sum(len(str(a)) for a in args[2:4] if isinstance(a, str))
    return 12 * len(text) + (len(text) // 2 + 1) * (attributes + 48)


def _filter_tojson(value: Any, indent: Any = None, **kwargs: Any) -> int:
    indent = kwargs.get("indent", indent)
    size = 6 * footprint(value, 1 << 62)
    if indent is None:
        return size
    step = indent if isinstance(indent, int) else len(str(indent))
    return size + (size // 2 + 1) * (1 + nesting(value) * max(step, 0))


def _filter_pprint(value: Any) -> int:
    return footprint(value, 1 << 62) * (nesting(value) + 2)


# Filters whose result can be more than a few times their input, or whose size an
# argument chooses: the result's length from the value and the arguments.
FILTER_BOUNDS: dict[str, Bound] = {
    "center": lambda value, width=80, **kw: max(len(str(value)), kw.get("width", width)),
    "indent": _filter_indent,
    "wordwrap": _filter_wordwrap,
    "batch": _filter_filled,
    "slice": _filter_filled,
    "replace": lambda s, old, new, count=None, **kw: replaced(
        str(s), str(old), str(new), kw.get("count", count) if count is not None else -1
    ),
    "urlize": _filter_urlize,
    "tojson": _filter_tojson,
    "pprint": _filter_pprint,
    "xmlattr": lambda d, *_a, **_k: 6 * footprint(d, 1 << 62),
    # UTF-8 bytes as %XX: up to 12 characters for one.
    "urlencode": lambda value: 12 * footprint(value, 1 << 62),
}
# Not listed: filters whose result is at most 6 times their input (escaping, case
# changes). Their input is held to the cap, and so is their result, once made.
