"""The first moment each recipient may be sent to: the campaign's send window in their own zone, as SQL."""

import datetime as dt
from collections.abc import Callable

from django.db import connection

from postroom.campaigns.models import Campaign
from postroom.campaigns.schedule import window_not_before


def not_before_sql(
    campaign: Campaign, zones_of: Callable[[], list[str]], now: dt.datetime, zone_sql: str
) -> tuple[str, list[object]]:
    """`CASE <zone_sql> WHEN … THEN <window start> … END`: one value per distinct time zone.

    `zone_sql` is trusted SQL naming each row's time zone; `zones_of` lists the
    zones it takes, asked only when there is a window (a query over the audience).
    """
    adapt = connection.ops.adapt_datetimefield_value
    if campaign.window_start is None or campaign.window_end is None:
        return "%s", [adapt(now)]
    zones = zones_of()
    if not zones:
        return "%s", [adapt(now)]  # nobody to send to (a CASE needs one WHEN)
    cases, params = [], []
    for zone in zones:
        at = window_not_before(
            now, time_zone=zone, start=campaign.window_start, end=campaign.window_end
        )
        cases.append("WHEN %s THEN %s")
        params += [zone, adapt(at)]
    default = window_not_before(
        now, time_zone="", start=campaign.window_start, end=campaign.window_end
    )
    return f"CASE {zone_sql} {' '.join(cases)} ELSE %s END", [*params, adapt(default)]
