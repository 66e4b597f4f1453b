"""A due run becomes its Delivery rows: one INSERT ... SELECT over the campaign's audience."""

import logging

from django.db import transaction
from django.utils import timezone

from postroom.campaigns.models import CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.selectors import campaign_audience
from postroom.campaigns.services import campaign_recheck_approval
from postroom.delivery.sending.channels import channel_sender
from postroom.delivery.sending.runs import RUNS
from postroom.delivery.sending.waves import experiment_launch, rows_insert, subscriber_source
from postroom.experiments.selectors import experiment_of

logger = logging.getLogger(__name__)


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
        experiment = experiment_of(campaign)
        sender = channel_sender(campaign.channel)
        # Push: one delivery per valid device of the audience; email: per subscriber.
        source = sender.rows(audience) if sender is not None else subscriber_source(audience)
        if experiment is None:
            created = rows_insert(run, source, now)
        else:
            created = experiment_launch(run, experiment, audience, now, source)
        RUNS.launched(run, recipients=created, at=now)
    logger.info("run %s launched: %s deliveries", run.pk, created)
    return created
