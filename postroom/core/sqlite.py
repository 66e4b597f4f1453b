"""SQLite's LIKE folds case for ASCII only; ours folds every alphabet (Ивана finds ивана).

Django runs `contains`, `icontains`, `startswith`… as `LIKE … ESCAPE '\\'` on
SQLite, which treats them all as case-insensitive but only for A to Z. Replacing
the `like()` function SQLite's LIKE operator calls makes searches work for
Russian and every other script in the embedded mode, as they do on PostgreSQL.
"""

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _matcher(pattern: str, escape: str | None) -> Callable[[str], bool]:
    """A test for one LIKE pattern: plain string checks for the shapes Django
    writes (`%x%`, `x%`, `%x`, `x`), a regular expression for anything else."""
    literal: list[str] = []
    tokens: list[str] = []  # literal runs and the wildcards "%" / "_"
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            literal.append(pattern[i + 1])
            i += 2
            continue
        if char in "%_":
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(char)
        else:
            literal.append(char)
        i += 1
    if literal:
        tokens.append("".join(literal))
    inner = tokens[1:-1] if len(tokens) > 2 else []
    if "_" not in tokens and "%" not in inner:
        lead, trail = tokens[:1] == ["%"], tokens[-1:] == ["%"] and len(tokens) > 1
        words = [t for t in tokens if t != "%"]
        if len(words) <= 1:
            needle = (words[0] if words else "").casefold()
            if lead and trail:
                return lambda value: needle in value.casefold()
            if trail:
                return lambda value: value.casefold().startswith(needle)
            if lead:
                return lambda value: value.casefold().endswith(needle)
            return lambda value: value.casefold() == needle
    regex = re.compile(
        "".join(".*" if t == "%" else "." if t == "_" else re.escape(t) for t in tokens),
        re.IGNORECASE | re.DOTALL,
    )
    return lambda value: regex.fullmatch(value) is not None


def unicode_like(pattern: Any, value: Any, escape: Any = None) -> int | None:
    if pattern is None or value is None:
        return None
    return int(_matcher(str(pattern), escape)(str(value)))


def install_unicode_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite connections the Unicode-aware LIKE."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, unicode_like, deterministic=True)
    raw.create_function("like", 3, unicode_like, deterministic=True)
