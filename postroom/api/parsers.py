"""JSON request bodies that Python's decoder cannot take apart are a 400, not a 500."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json.loads recurses per nesting level; DRF's parser catches only ValueError.
            raise ParseError("JSON parse error - nested too deeply.") from exc
