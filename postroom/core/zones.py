"""Time zones by name: the ones offered in forms, and a lookup that never raises on bad input."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Entries of the zone database that are not places anyone lives in.
_NOT_ZONES = {"Factory", "localtime", "posixrules"}


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted (for choices), legacy aliases included (saved values stay valid).

    UTC always, even where the system's list lacks it: a form whose default is
    missing from its choices shows the first one (Africa/Abidjan) instead.
    """
    return tuple(sorted((available_timezones() - _NOT_ZONES) | {"UTC"}))


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone called `name`, or None for a blank, unknown or malformed name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
