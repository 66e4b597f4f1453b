"""One CSV row to one subscriber record, or the reason it is refused."""

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from postroom.audience.attributes import attribute_value_clean
from postroom.audience.emails import email_normalize_many
from postroom.audience.external_ids import external_id_clean
from postroom.audience.imports.mapping import ATTRIBUTE_PREFIX, NAME_PARTS
from postroom.audience.models import CustomField, FieldType

MAX_CELL = 10_000


@dataclass(slots=True)
class Record:
    line: int
    email: str  # "" for a contact known by its external id only
    full_name: str
    comment: str
    time_zone: str
    language: str
    attributes: dict[str, Any]
    external_id: str = ""


class RowRefused(Exception):
    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


def _converter(field: CustomField) -> Callable[[str], Any]:
    """A fast converter for the common cells of `field`, deferring to the full check otherwise."""

    def full(raw: str) -> Any:
        return attribute_value_clean(field, raw)

    if field.type == FieldType.TEXT:
        return lambda raw: raw.strip() or None
    if field.type == FieldType.NUMBER:

        def number(raw: str) -> Any:
            try:
                return int(raw)
            except ValueError:
                return full(raw)

        return number
    return full


class RowParser:
    """Turns `cells` into a Record according to the column mapping and the custom fields."""

    def __init__(
        self, header: list[str], mapping: dict[str, str], fields: list[CustomField]
    ) -> None:
        index = {column: i for i, column in enumerate(header)}
        plain = {t: index[c] for c, t in mapping.items() if not t.startswith(ATTRIBUTE_PREFIX)}
        self._email = plain.get("email", -1)
        self._external_id = plain.get("external_id", -1)
        self._others = tuple(
            plain.get(t, -1) for t in ("full_name", "comment", "time_zone", "language")
        )
        self._name_parts = tuple(plain[t] for t in NAME_PARTS if t in plain)
        by_name = {f.name: f for f in fields}
        self._attributes = [
            (by_name[t.removeprefix(ATTRIBUTE_PREFIX)], index[c])
            for c, t in mapping.items()
            if t.startswith(ATTRIBUTE_PREFIX)
        ]
        self._converters = [(f, i, _converter(f)) for f, i in self._attributes]
        # Fields without a column take their default; required ones without one fail every row.
        mapped = {f.name for f, _ in self._attributes}
        # Field defaults: for new subscribers only, never written over stored values.
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if f.default is not None:
                try:
                    value = attribute_value_clean(f, f.default)
                except ValidationError:
                    continue  # a default that does not fit its field is ignored
                if value is not None:
                    self.defaults[f.name] = value
        self._missing_required = [
            f.label for f in fields if f.required and f.name not in mapped and f.default is None
        ]
        self._width = len(header)

    def parse(self, line: int, cells: list[str]) -> Record:
        width = len(cells)
        email_cell = cells[self._email].strip() if 0 <= self._email < width else ""
        external_cell = cells[self._external_id].strip() if 0 <= self._external_id < width else ""
        # What the report shows of a refused row: its address, else its external id.
        shown = email_cell or external_cell
        if self._missing_required:
            raise RowRefused(
                _("Required field without a column: %(f)s.")
                % {"f": ", ".join(self._missing_required)},
                shown,
            )
        if width > self._width:
            raise RowRefused(
                _("More cells than columns (a delimiter inside an unquoted value?)."), shown
            )
        joined = "".join(cells)
        if len(joined) > MAX_CELL and any(len(c) > MAX_CELL for c in cells):
            raise RowRefused(_("A cell is longer than %(n)s characters.") % {"n": MAX_CELL}, shown)
        if "\x00" in joined:
            raise RowRefused(_("The row contains NUL characters."), shown)
        if "\ufffd" in joined:
            raise RowRefused(_("The row has characters that could not be decoded."), shown)
        if "\n" in joined and any("\n" in c for i, c in enumerate(cells) if i != self._others[1]):
            raise RowRefused(
                _(
                    "A quote is not closed: the row runs over several lines (they were not imported)."
                ),
                shown.split("\n")[0],
            )
        email, external_id = self._identity(email_cell, external_cell)
        attributes: dict[str, Any] = {}
        for field, i, convert in self._converters:
            try:
                value = convert(cells[i]) if i < width else None
            except ValidationError as exc:
                raise RowRefused(f"{field.label}: {exc.messages[0]}", shown) from exc
            if value is None:
                if field.required and field.name not in self.defaults:
                    raise RowRefused(_("%(f)s is required.") % {"f": field.label}, shown)
                continue
            attributes[field.name] = value
        name_i, comment_i, zone_i, language_i = self._others
        time_zone = cells[zone_i].strip() if 0 <= zone_i < width else ""
        if time_zone and time_zone not in _zones():
            raise RowRefused(_("Unknown time zone “%(tz)s”.") % {"tz": time_zone}, shown)
        if self._name_parts:
            parts = (cells[i].strip() for i in self._name_parts if i < width)
            full_name = " ".join(p for p in parts if p)[:200]
        else:
            full_name = cells[name_i].strip()[:200] if 0 <= name_i < width else ""
        # Positional: a million keyword calls cost more than the record itself.
        return Record(
            line,
            email,
            full_name,
            cells[comment_i].strip() if 0 <= comment_i < width else "",
            time_zone,
            cells[language_i].strip()[:16] if 0 <= language_i < width else "",
            attributes,
            external_id,
        )

    def _identity(self, email_cell: str, external_cell: str) -> tuple[str, str]:
        """The row's normalized email and external id ("" when absent); at least one."""
        if not email_cell and not external_cell:
            if self._external_id < 0:
                raise RowRefused(_("No email address."))
            raise RowRefused(_("Neither an email address nor an external id."))
        email = external_id = ""
        if email_cell:
            try:
                email = email_normalize_many(email_cell)
            except ValidationError as exc:
                raise RowRefused(exc.messages[0], email_cell) from exc
        if external_cell:
            try:
                external_id = external_id_clean(external_cell) or ""
            except ValidationError as exc:
                raise RowRefused(
                    _("External id: %(e)s") % {"e": " ".join(exc.messages)},
                    email_cell or external_cell,
                ) from exc
        return email, external_id


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(zoneinfo.available_timezones())
    return _ZONES
