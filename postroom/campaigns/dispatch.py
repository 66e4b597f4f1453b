"""The scheduler's side: due campaigns become CampaignRuns, by a periodic job, never a request."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus
from postroom.campaigns.schedule import next_after_run
from postroom.campaigns.services import campaign_schedule_spec
from postroom.core.dashboard import dashboard_invalidate

logger = logging.getLogger(__name__)


def campaigns_dispatch_due(*, now: datetime | None = None, limit: int = 100) -> list[CampaignRun]:
    """Create the run of every campaign whose next occurrence has come.

    Each campaign is locked (skipped if another scheduler holds it) and its run
    is unique per occurrence, so two schedulers never create the same run. If
    the scheduler was down, missed occurrences are not replayed in a burst: the
    latest due one runs and the next is computed from now.
    """
    now = now or timezone.now()
    due_ids = list(
        Campaign.objects.filter(
            status__in=(CampaignStatus.SCHEDULED, CampaignStatus.RUNNING), next_run_at__lte=now
        )
        .order_by("-priority", "next_run_at")
        .values_list("id", flat=True)[:limit]
    )
    runs = []
    for campaign_id in due_ids:
        run = _dispatch_one(campaign_id, now)
        if run is not None:
            runs.append(run)
    return runs


@transaction.atomic
def _dispatch_one(campaign_id: int, now: datetime) -> CampaignRun | None:
    campaign = (
        Campaign.objects.select_for_update(skip_locked=True)
        .filter(
            pk=campaign_id,
            status__in=(CampaignStatus.SCHEDULED, CampaignStatus.RUNNING),
            next_run_at__lte=now,
        )
        .first()
    )
    if campaign is None or campaign.next_run_at is None:
        return None
    if campaign.end_at is not None and now > campaign.end_at:
        # The scheduler was down past the end: a run now would be outside the window.
        campaign.next_run_at = None
        campaign.status = CampaignStatus.FINISHED
        campaign.save(update_fields=["next_run_at", "status", "updated_at"])
        return None
    return _run_create(campaign, now)


def campaign_dispatch_now(campaign: Campaign) -> CampaignRun:
    """ "Send now": a run at this instant; the schedule goes on from now. Caller holds the lock."""
    now = timezone.now()
    campaign.next_run_at = now
    run = _run_create(campaign, now)
    if run is None:
        raise IntegrityError("a run at this instant exists already")
    return run


def _run_create(campaign: Campaign, now: datetime) -> CampaignRun | None:
    """The run of the campaign's current occurrence, launched once the transaction commits.

    The campaign stays running until its last run has finished sending
    (`postroom.delivery.sending.outcomes.campaign_finish_if_done`).
    """
    run: CampaignRun | None
    assert campaign.next_run_at is not None
    try:
        with transaction.atomic():
            run = CampaignRun.objects.create(campaign=campaign, scheduled_for=campaign.next_run_at)
    except IntegrityError:
        logger.warning("campaign %s: run for %s exists already", campaign.pk, campaign.next_run_at)
        run = None
    # A one-off campaign runs once, whatever its start date says afterwards.
    following = (
        None
        if campaign.periodicity == "once"
        else next_after_run(campaign_schedule_spec(campaign), run_at=campaign.next_run_at, now=now)
    )
    campaign.next_run_at = following
    campaign.status = CampaignStatus.RUNNING
    campaign.save(update_fields=["next_run_at", "status", "updated_at"])
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    if run is not None:
        from postroom.delivery.tasks import run_launch_job

        run_id = run.pk
        transaction.on_commit(lambda: run_launch_job(run_id))
    return run
