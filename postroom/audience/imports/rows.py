"""One CSV row to one subscriber record, or the reason it is refused."""

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from postroom.audience.attributes import attribute_value_clean
from postroom.audience.emails import email_normalize_many
from postroom.audience.imports.mapping import ATTRIBUTE_PREFIX
from postroom.audience.models import CustomField

MAX_CELL = 10_000


@dataclass(slots=True)
class Record:
    line: int
    email: str
    full_name: str
    comment: str
    time_zone: str
    language: str
    attributes: dict[str, Any]


class RowRefused(Exception):
    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


class RowParser:
    """Turns `cells` into a Record according to the column mapping and the custom fields."""

    def __init__(
        self, header: list[str], mapping: dict[str, str], fields: list[CustomField]
    ) -> None:
        index = {column: i for i, column in enumerate(header)}
        self._plain = {
            t: index[c] for c, t in mapping.items() if not t.startswith(ATTRIBUTE_PREFIX)
        }
        by_name = {f.name: f for f in fields}
        self._attributes = [
            (by_name[t.removeprefix(ATTRIBUTE_PREFIX)], index[c])
            for c, t in mapping.items()
            if t.startswith(ATTRIBUTE_PREFIX)
        ]
        # Required fields without a column must have a default, or every row fails.
        mapped = {f.name for f, _ in self._attributes}
        self._defaults = {
            f.name: f.default for f in fields if f.name not in mapped and f.default is not None
        }
        self._missing_required = [
            f.label for f in fields if f.required and f.name not in mapped and f.default is None
        ]
        self._width = len(header)

    def parse(self, line: int, cells: list[str]) -> Record:
        email_cell = self._cell(cells, "email")
        if self._missing_required:
            raise RowRefused(
                _("Required field without a column: %(f)s.")
                % {"f": ", ".join(self._missing_required)},
                email_cell,
            )
        if len(cells) > self._width:
            raise RowRefused(
                _("More cells than columns (a delimiter inside an unquoted value?)."), email_cell
            )
        if any(len(c) > MAX_CELL for c in cells):
            raise RowRefused(
                _("A cell is longer than %(n)s characters.") % {"n": MAX_CELL}, email_cell
            )
        joined = "".join(cells)
        if "\x00" in joined:
            raise RowRefused(_("The row contains NUL characters."), email_cell)
        if "\ufffd" in joined:
            raise RowRefused(_("The row has characters that could not be decoded."), email_cell)
        if not email_cell:
            raise RowRefused(_("No email address."))
        try:
            email = email_normalize_many(email_cell)
        except ValidationError as exc:
            raise RowRefused(exc.messages[0], email_cell) from exc
        attributes = dict(self._defaults)
        for field, i in self._attributes:
            raw = cells[i] if i < len(cells) else ""
            try:
                value = attribute_value_clean(field, raw)
            except ValidationError as exc:
                raise RowRefused(f"{field.label}: {exc.messages[0]}", email_cell) from exc
            if value is None:
                if field.required and field.default is None:
                    raise RowRefused(_("%(f)s is required.") % {"f": field.label}, email_cell)
                if field.default is not None:
                    attributes[field.name] = field.default
                continue
            attributes[field.name] = value
        time_zone = self._cell(cells, "time_zone")
        if time_zone and time_zone not in _zones():
            raise RowRefused(_("Unknown time zone “%(tz)s”.") % {"tz": time_zone}, email_cell)
        return Record(
            line=line,
            email=email,
            full_name=self._cell(cells, "full_name")[:200],
            comment=self._cell(cells, "comment"),
            time_zone=time_zone,
            language=self._cell(cells, "language")[:16],
            attributes=attributes,
        )

    def _cell(self, cells: list[str], target: str) -> str:
        i = self._plain.get(target)
        if i is None or i >= len(cells):
            return ""
        return cells[i].strip()


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(zoneinfo.available_timezones())
    return _ZONES
