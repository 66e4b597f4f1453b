"""Time zones by name: the ones offered in forms, and a lookup that never raises on bad input."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted (for choices); "localtime" and friends are not zones."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone called `name`, or None for a blank, unknown or malformed name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
