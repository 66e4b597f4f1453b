"""UNSET: "the caller did not name this field", which None and "" cannot say.

Write services name every field a caller may set as a keyword-only, typed
argument. Where a service changes only the fields it is given (an API
PATCH), each such argument defaults to UNSET:

    def mailing_list_update(
        *, mailing_list: MailingList, name: str | Unset = UNSET, ...
    ) -> MailingList:
        fields_assign(mailing_list, name=name, ...)

`name=None` (or `""`) then sets the field to None (or empty); leaving `name`
out leaves the field as it is. `Unset` is an enum with one member, so mypy
narrows `str | Unset` to `str` after `if name is not UNSET`.
"""

import enum
from typing import Final


class Unset(enum.Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


def fields_given(**values: object) -> dict[str, object]:
    """The values that are not UNSET, by name: what a caller asked to change."""
    return {name: value for name, value in values.items() if value is not UNSET}


def fields_assign(instance: object, **values: object) -> list[str]:
    """Set on `instance` every value that is not UNSET; the names of the fields set.

    Called by a service with its own typed arguments, never with a caller's
    dict: the service's signature is the list of what may be set.
    """
    given = fields_given(**values)
    for name, value in given.items():
        setattr(instance, name, value)
    return list(given)
