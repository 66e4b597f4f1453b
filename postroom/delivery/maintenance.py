"""The periodic reaper: expired leases taken back, lost launches and lost send jobs found again."""

import logging

from django.db.models import Exists, OuterRef
from django.utils import timezone

from postroom.campaigns.models import CampaignRun, CampaignStatus, RunStatus
from postroom.delivery.claims import leases_reclaim
from postroom.delivery.models import PENDING, Delivery
from postroom.delivery.outcomes import run_finish_if_done

logger = logging.getLogger(__name__)
_SENDABLE = (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.FINISHED)


def deliveries_maintain(*, limit: int = 200) -> list[tuple[int, int, bool]]:
    """Reclaim expired leases; return (run, workspace, needs launch) for runs with due work.

    Runs with nothing open left are closed here too, in case their last job died.
    """
    now = timezone.now()
    reclaimed = leases_reclaim(now=now)
    if reclaimed:
        logger.warning("%s deliveries taken back from workers that stopped", reclaimed)
    work: list[tuple[int, int, bool]] = []
    due_runs = CampaignRun.objects.filter(
        status=RunStatus.DUE, scheduled_for__lte=now, campaign__status__in=_SENDABLE
    ).values_list("pk", "campaign__workspace_id")[:limit]
    work += [(run_id, workspace_id, True) for run_id, workspace_id in due_runs]
    sending = CampaignRun.objects.filter(status=RunStatus.SENDING).annotate(
        due=Exists(
            Delivery.objects.filter(
                run_id=OuterRef("pk"), status__in=PENDING, next_attempt_at__lte=now
            )
        )
    )
    for run_id, workspace_id, status, due in sending.values_list(
        "pk", "campaign__workspace_id", "campaign__status", "due"
    )[:limit]:
        if due and status in _SENDABLE:
            work.append((run_id, workspace_id, False))
        elif not due:
            run_finish_if_done(run_id)
    return work
