"""Which CSV column fills which subscriber field."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLAIN_TARGETS = ("email", "full_name", "comment", "time_zone", "language")
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
    "full_name": {"name", "full name", "full_name", "fullname", "имя", "фио", "полное имя"},
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
    return mapping


def mapping_validate(
    mapping: dict[str, str], header: list[str], attribute_names: list[str]
) -> dict[str, str]:
    """The mapping of real columns; ValidationError if email is unmapped or a target repeats."""
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
    if "email" not in seen:
        raise ValidationError({"mapping": _("Choose the column that holds the email address.")})
    return cleaned
