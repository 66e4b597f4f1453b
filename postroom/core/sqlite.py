"""SQLite's LIKE folds case for ASCII only; ours folds every alphabet (Ивана finds ивана).

Django runs `contains`, `icontains`, `startswith`… as `LIKE … ESCAPE '\\'` on
SQLite, which treats them all as case-insensitive but only for A to Z. Replacing
the `like()` function SQLite's LIKE operator calls makes searches work for
Russian and every other script in the embedded mode, as they do on PostgreSQL.
"""

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def unicode_like(pattern: Any, value: Any, escape: Any = None) -> int | None:
    if pattern is None or value is None:
        return None
    return int(_pattern(str(pattern), escape).fullmatch(str(value)) is not None)


def install_unicode_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite connections the Unicode-aware LIKE."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, unicode_like, deterministic=True)
    raw.create_function("like", 3, unicode_like, deterministic=True)
