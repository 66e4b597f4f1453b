"""Which CSV column fills which subscriber field."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLAIN_TARGETS = (
    "email",
    "external_id",
    "full_name",
    "first_name",
    "last_name",
    "comment",
    "time_zone",
    "language",
)
NAME_PARTS = ("first_name", "last_name")  # joined with a space into the full name
ATTRIBUTE_PREFIX = "attr:"

_GUESSES = {
    "email": {
        "email",
        "e-mail",
        "mail",
        "email address",
        "почта",
        "эл. почта",
        "e-mail адрес",
        "емейл",
    },
    "external_id": {
        "external_id",
        "external id",
        "externalid",
        "external user id",
        "внешний id",
        "внешний идентификатор",
    },
    "full_name": {"name", "full name", "full_name", "fullname", "имя", "фио", "полное имя"},
    "first_name": {"first name", "firstname", "first_name", "given name", "forename"},
    "last_name": {"last name", "lastname", "last_name", "surname", "family name", "фамилия"},
    "comment": {"comment", "comments", "note", "notes", "комментарий", "примечание"},
    "time_zone": {"time zone", "timezone", "time_zone", "tz", "часовой пояс"},
    "language": {"language", "lang", "locale", "язык"},
}


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().lower())


def mapping_guess(header: list[str], attribute_names: list[str]) -> dict[str, str]:
    """A first mapping from column names; the user corrects it before importing."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in header:
        key = _key(column)
        target = next((t for t, names in _GUESSES.items() if key in names), "")
        if not target and key.replace(" ", "_") in attribute_names:
            target = ATTRIBUTE_PREFIX + key.replace(" ", "_")
        if target and target not in taken:
            mapping[column] = target
            taken.add(target)
        else:
            mapping[column] = ""
    if "last_name" in taken and "first_name" not in taken:
        # Next to a last name, "Name" / "Имя" is the first name.
        for column, target in mapping.items():
            if target == "full_name" and _key(column) in ("name", "имя"):
                mapping[column] = "first_name"
    return mapping


def mapping_validate(
    mapping: dict[str, str], header: list[str], attribute_names: list[str]
) -> dict[str, str]:
    """The mapping of real columns; ValidationError if neither email nor external id is mapped,
    or a target repeats."""
    allowed = set(PLAIN_TARGETS) | {ATTRIBUTE_PREFIX + n for n in attribute_names}
    columns = set(header)
    cleaned: dict[str, str] = {}
    seen: set[str] = set()
    for column, target in mapping.items():
        if column not in columns:
            raise ValidationError({"mapping": _("There is no column “%(c)s”.") % {"c": column}})
        if not target:
            continue
        if target not in allowed:
            raise ValidationError({"mapping": _("Unknown field “%(t)s”.") % {"t": target}})
        if target in seen:
            raise ValidationError({"mapping": _("Two columns fill “%(t)s”.") % {"t": target}})
        seen.add(target)
        cleaned[column] = target
    if "email" not in seen and "external_id" not in seen:
        raise ValidationError(
            {"mapping": _("Choose the column that holds the email address (or the external id).")}
        )
    if "full_name" in seen and seen.intersection(NAME_PARTS):
        raise ValidationError(
            {"mapping": _("Choose either a full name or first and last names, not both.")}
        )
    return cleaned
