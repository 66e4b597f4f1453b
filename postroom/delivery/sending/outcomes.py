"""What follows from results: runs and campaigns finishing, auto-pause, hard-bounce suppression."""

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Role
from postroom.audience.models import Suppression, SuppressionReason
from postroom.campaigns.models import (
    ApprovalAction,
    Campaign,
    CampaignEvent,
    CampaignRun,
    CampaignStatus,
    RunStatus,
)
from postroom.core.dashboard import dashboard_invalidate
from postroom.delivery.models import OPEN, PENDING, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


def suppress_hard_bounces(
    *,
    workspace_id: int,
    emails: list[str],
    note: str = "5.1.x",
    reason: SuppressionReason = SuppressionReason.HARD_BOUNCE,
) -> None:
    """Suppress addresses that cannot receive mail; one already suppressed keeps its entry."""
    Suppression.objects.bulk_create(
        [
            Suppression(
                workspace_id=workspace_id,
                email=email.lower(),
                reason=reason,
                note=note[:255],
            )
            for email in set(emails)
        ],
        ignore_conflicts=True,
    )


def run_finish_if_done(run_id: int) -> bool:
    """Close a run with nothing left to send, and its campaign when no run is left to come."""
    if Delivery.objects.filter(run_id=run_id, status__in=OPEN).exists():
        return False
    with transaction.atomic():
        finished = CampaignRun.objects.filter(pk=run_id, status=RunStatus.SENDING).update(
            status=RunStatus.FINISHED, finished_at=timezone.now()
        )
        run = CampaignRun.objects.select_related("campaign").get(pk=run_id)
        campaign_finish_if_done(run.campaign)
    if finished:
        dashboard_invalidate(workspace_id=run.campaign.workspace_id)
    return bool(finished)


def campaign_finish_if_done(campaign: Campaign) -> None:
    busy = campaign.runs.filter(status__in=(RunStatus.DUE, RunStatus.SENDING)).exists()
    if not busy and campaign.next_run_at is None:
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.RUNNING).update(
            status=CampaignStatus.FINISHED, updated_at=timezone.now()
        )


def run_auto_pause(*, run: CampaignRun, reason: str) -> None:
    """Too many errors: the campaign stops sending, says why, and its owners are told by mail."""
    with transaction.atomic():
        paused = Campaign.objects.filter(
            pk=run.campaign_id,
            status__in=(CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.FINISHED),
        ).update(status=CampaignStatus.PAUSED, paused_reason=reason, updated_at=timezone.now())
        if not paused:
            return
        CampaignEvent.objects.create(
            campaign_id=run.campaign_id, action=ApprovalAction.AUTOPAUSED, comment=reason
        )
    campaign = Campaign.objects.get(pk=run.campaign_id)
    owners = list(
        Membership.objects.filter(
            workspace_id=campaign.workspace_id, role__in=(Role.OWNER, Role.ADMIN)
        ).values_list("user__email", flat=True)
    )
    logger.warning("campaign %s paused: %s", campaign.pk, reason)
    if owners:
        transaction.on_commit(
            lambda: send_mail(
                _("Campaign paused: %(name)s") % {"name": campaign.name},
                _(
                    "Sending of “%(name)s” stopped by itself: %(reason)s\n\nResume it from the campaign's page once the cause is fixed."
                )
                % {"name": campaign.name, "reason": reason},
                None,
                owners,
                fail_silently=True,
            )
        )


def runs_cancel_pending(runs: Any) -> int:
    """The waiting deliveries of runs being cancelled become cancelled (run ids or a queryset).

    A message already in a worker's hands finishes its attempt.
    """
    return Delivery.objects.filter(run__in=runs, status__in=PENDING).update(
        status=DeliveryStatus.CANCELLED, lease_owner="", lease_until=None
    )
