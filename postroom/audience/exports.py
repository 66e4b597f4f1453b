"""Streaming CSV export of subscribers: constant memory, spreadsheet-safe cells."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from postroom.audience.models import Subscriber

PLAIN_COLUMNS = (
    "email",
    "external_id",
    "full_name",
    "comment",
    "status",
    "time_zone",
    "language",
    "source",
    "created_at",
)
ATTRIBUTE_PREFIX = "attr:"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralize(value: Any) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class EchoBuffer:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def export_columns_clean(columns: Iterable[str], attribute_names: Iterable[str]) -> list[str]:
    allowed = set(PLAIN_COLUMNS) | {ATTRIBUTE_PREFIX + n for n in attribute_names}
    chosen = [c for c in columns if c in allowed]
    return chosen or ["email", "external_id", "full_name"]


def subscribers_csv(queryset: QuerySet[Subscriber], columns: list[str]) -> Iterator[str]:
    """CSV lines for `queryset`, fetched in chunks with a server-side cursor where available."""
    writer = csv.writer(EchoBuffer())
    yield writer.writerow(columns)
    plain = [c for c in columns if not c.startswith(ATTRIBUTE_PREFIX)]
    fetch = [*plain, "attributes"] if len(plain) < len(columns) else plain
    for row in queryset.order_by("id").values_list(*fetch).iterator(chunk_size=2000):
        values = dict(zip(fetch, row, strict=True))
        attributes = values.get("attributes") or {}
        yield writer.writerow(
            [
                cell_neutralize(
                    attributes.get(c.removeprefix(ATTRIBUTE_PREFIX))
                    if c.startswith(ATTRIBUTE_PREFIX)
                    else values[c]
                )
                for c in columns
            ]
        )
