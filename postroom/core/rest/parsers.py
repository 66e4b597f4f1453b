"""Request parsing: JSON with a bound on nesting.

Python's json module recurses once per level, so a body of a few thousand
brackets exhausts the stack (a RecursionError, a 500); and a document nested
a few hundred levels deep that does parse would go on to recurse in
serializers, in the JSON columns and in orjson (255 levels at most).
No Postroom document needs more than a few levels.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 64


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when arrays and objects in `value` nest more than `limit` deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        too_deep = ParseError(
            _("JSON parse error - nested more than %(n)d levels deep.") % {"n": MAX_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth_exceeds(data, MAX_DEPTH):
            raise too_deep
        return data
