"""A due run becomes its Delivery rows: one INSERT ... SELECT over the campaign's audience."""

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from postroom.audience.models import Subscriber
from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.schedule import window_not_before
from postroom.campaigns.selectors import campaign_audience
from postroom.campaigns.services import campaign_recheck_approval
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.runs import RUNS

logger = logging.getLogger(__name__)
_TABLE = Delivery._meta.db_table


def run_launch(run_id: int) -> int:
    """Create the run's deliveries (once: a second call finds it launched) and start sending.

    The audience is subscribed, not blocklisted, not suppressed, minus the
    exclusions; each recipient's first try waits for the campaign's send window
    in the recipient's own time zone. Returns the number of deliveries created.
    """
    with transaction.atomic():
        run = (
            CampaignRun.objects.select_for_update()
            .select_related("campaign")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status != RunStatus.DUE:
            return 0
        campaign = run.campaign
        if RUNS.stopped(campaign.status):
            RUNS.dropped(run)
            return 0
        if campaign.status == CampaignStatus.PAUSED:
            return 0  # launched on resume
        if campaign_recheck_approval(campaign=campaign, user=None):
            return 0  # what was approved changed (a segment widened): launched once approved again
        now = timezone.now()
        audience = campaign_audience(campaign).order_by()
        inner_sql, inner_params = audience.values_list(
            "id", "email", "time_zone"
        ).query.sql_with_params()
        start_sql, start_params = _not_before_sql(campaign, audience, now)
        sql = (
            f"INSERT INTO {_TABLE} (run_id, subscriber_id, email, status, next_attempt_at, "  # noqa: S608
            "lease_owner, attempts, reclaimed, last_response) "
            f"SELECT %s, t.id, t.email, %s, {start_sql}, '', 0, 0, '' FROM ({inner_sql}) t WHERE true "
            "ON CONFLICT (run_id, subscriber_id) DO NOTHING"
        )
        params = [run.pk, DeliveryStatus.QUEUED, *start_params, *inner_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            created = max(cursor.rowcount, 0)
        RUNS.launched(run, recipients=created, at=now)
    logger.info("run %s launched: %s deliveries", run.pk, created)
    return created


def _not_before_sql(
    campaign: Campaign, audience: QuerySet[Subscriber], now: dt.datetime
) -> tuple[str, list[object]]:
    """`CASE t.time_zone WHEN … THEN <window start> … END`: one value per distinct time zone."""
    adapt = connection.ops.adapt_datetimefield_value
    if campaign.window_start is None or campaign.window_end is None:
        return "%s", [adapt(now)]
    zones = list(audience.values_list("time_zone", flat=True).distinct())
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
    return f"CASE t.time_zone {' '.join(cases)} ELSE %s END", [*params, adapt(default)]
