"""The scheduler's side: due campaigns become CampaignRuns, by a periodic job, never a request."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from postroom.campaigns.models import Campaign, CampaignRun
from postroom.campaigns.services.runs import campaign_expire, run_create
from postroom.campaigns.states import campaign_sources


def campaigns_dispatch_due(*, now: datetime | None = None, limit: int = 100) -> list[CampaignRun]:
    """Create the run of every campaign whose next occurrence has come.

    Each campaign is locked (skipped if another scheduler holds it) and its run
    is unique per occurrence, so two schedulers never create the same run. If
    the scheduler was down, missed occurrences are not replayed in a burst: the
    latest due one runs and the next is computed from now.
    """
    now = now or timezone.now()
    due_ids = list(
        Campaign.objects.filter(status__in=campaign_sources("dispatch"), next_run_at__lte=now)
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
        .filter(pk=campaign_id, status__in=campaign_sources("dispatch"), next_run_at__lte=now)
        .first()
    )
    if campaign is None or campaign.next_run_at is None:
        return None
    if campaign.end_at is not None and now > campaign.end_at:
        campaign_expire(campaign)
        return None
    return run_create(campaign, now)
