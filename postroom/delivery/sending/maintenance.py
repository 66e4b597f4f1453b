"""The periodic reaper: expired leases taken back, lost launches and lost send jobs found again."""

import datetime as dt
import logging

from django.db.models import Exists, OuterRef
from django.utils import timezone

from postroom.campaigns.models import CampaignRun, RunStatus
from postroom.delivery.models import OPEN, PENDING, Delivery, DeliveryStatus
from postroom.delivery.sending.claims import leases_reclaim
from postroom.delivery.sending.limits import ConnectionSlots
from postroom.delivery.sending.outcomes import run_finish_if_done, runs_cancel_pending
from postroom.delivery.sending.runs import SENDABLE
from postroom.delivery.transports.relays import relay_for_workspace

logger = logging.getLogger(__name__)


def deliveries_maintain(
    *, limit: int = 200, lease_now: dt.datetime | None = None
) -> list[tuple[int, int, bool]]:
    """Reclaim expired leases; return (run, workspace, needs launch) for runs with due work.

    Runs with nothing open left are closed here too, in case their last job died.
    `lease_now` judges lease expiry at another time (tests of a crash).
    """
    now = timezone.now()
    reclaimed = leases_reclaim(now=now if lease_now is None else lease_now)
    for run_id, owners in reclaimed.items():
        if run_id is None:  # the priority lane's: its jobs' slots lapse with their lease
            continue
        logger.warning("run %s: deliveries taken back from stopped workers %s", run_id, owners)
        workspace_id = (
            CampaignRun.objects.filter(pk=run_id)
            .values_list("campaign__workspace_id", flat=True)
            .first()
        )
        if workspace_id is not None:
            relay = relay_for_workspace(workspace_id)
            for owner in owners:
                ConnectionSlots(relay, owner=owner, lease=0).free_all_of_owner()
    work: list[tuple[int, int, bool]] = []
    due_runs = (
        CampaignRun.objects.filter(
            status=RunStatus.DUE, scheduled_for__lte=now, campaign__status__in=SENDABLE
        )
        .order_by("-campaign__priority", "scheduled_for", "pk")
        .values_list("pk", "campaign__workspace_id")[:limit]
    )
    work += [(run_id, workspace_id, True) for run_id, workspace_id in due_runs]
    due = Delivery.objects.filter(
        run_id=OuterRef("pk"), status__in=PENDING, next_attempt_at__lte=now
    )
    # An experiment's released waiting rows are due too: they are given their variant when claimed.
    released = Delivery.objects.filter(
        run_id=OuterRef("pk"),
        status=DeliveryStatus.WAITING,
        bucket__lt=OuterRef("experiment_round__released_to"),
        next_attempt_at__lte=now,
    )
    sending = (
        CampaignRun.objects.filter(status=RunStatus.SENDING, campaign__status__in=SENDABLE)
        .filter(Exists(due) | Exists(released))
        .order_by("-campaign__priority", "started_at", "pk")  # higher priority first
        .values_list("pk", "campaign__workspace_id")
    )
    work += [(run_id, workspace_id, False) for run_id, workspace_id in sending[:limit]]
    # Runs with nothing open left (their last job died before closing them).
    done = CampaignRun.objects.filter(status=RunStatus.SENDING).exclude(
        Exists(Delivery.objects.filter(run_id=OuterRef("pk"), status__in=OPEN))
    )
    for run_id in done.values_list("pk", flat=True)[:limit]:
        run_finish_if_done(run_id)
    # Cancelled runs whose deliveries came back from a worker after the cancel.
    runs_cancel_pending(CampaignRun.objects.filter(status=RunStatus.CANCELLED).values("pk"))
    return work
