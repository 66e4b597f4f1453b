"""Datetimes shown with the zone they are shown in: `{{ when|zoned }}`, `{{ when|zoned:campaign.time_zone }}`.

Every time in the app goes through here so that none is ever shown without
its zone (a bare "08:00" read as Berlin time while it was UTC sent a campaign
at the wrong hour). Without an argument the zone is the one activated for the
request (the user's, `postroom.accounts.middleware`); with one, that zone (a
campaign's schedule reads in the campaign's own zone).
"""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from postroom.core.zones import zone_named

register = template.Library()


def _local(value: dt.datetime, zone_name: str | None) -> tuple[dt.datetime, str]:
    zone = zone_named(zone_name) or timezone.get_current_timezone()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(zone), str(zone)


@register.filter
def zoned(value: dt.datetime | None, zone_name: str | None = None) -> SafeString | str:
    """The datetime in the zone, as `<time>` with the zone's name after it."""
    if not isinstance(value, dt.datetime):
        return ""
    local, label = _local(value, zone_name)
    return format_html(
        '<time datetime="{}">{}</time> <small class="text-body-secondary">{}</small>',
        local.astimezone(dt.UTC).isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
        label,
    )


@register.filter
def zoned_text(value: dt.datetime | None, zone_name: str | None = None) -> str:
    """The same as plain text, where markup cannot go (options, titles, sentences)."""
    if not isinstance(value, dt.datetime):
        return ""
    local, label = _local(value, zone_name)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {label}"
