"""A campaign's runs: created when due, launched, finished; and what their sending reports back.

The delivery engine reports through these (`postroom.delivery.sending.runs`)
and never writes a campaign's or a run's status itself.
"""

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Role
from postroom.campaigns.models import (
    ApprovalAction,
    Campaign,
    CampaignEvent,
    CampaignRun,
    CampaignStatus,
    Periodicity,
    RunStatus,
)
from postroom.campaigns.outbox import outbox
from postroom.campaigns.schedule import next_after_run
from postroom.campaigns.services.activation import ACTIVE_RUNS, campaign_schedule_spec
from postroom.campaigns.states import campaign_move, campaigns_move_where, runs_move_where
from postroom.core.dashboard import dashboard_invalidate

logger = logging.getLogger(__name__)


def run_create(
    campaign: Campaign, now: dt.datetime, *, action: str = "dispatch"
) -> CampaignRun | None:
    """The run of the campaign's current occurrence, launched once the transaction commits.

    None when that occurrence has its run already. The caller holds the
    campaign's lock. The campaign stays running until its last run has
    finished sending (`campaign_finish_if_done`).
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
        if campaign.periodicity == Periodicity.ONCE
        else next_after_run(campaign_schedule_spec(campaign), run_at=campaign.next_run_at, now=now)
    )
    campaign.next_run_at = following
    campaign_move(campaign, action, CampaignStatus.RUNNING)
    campaign.save(update_fields=["next_run_at", "status", "updated_at"])
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    if run is not None:
        outbox().runs_start([(run.pk, RunStatus.DUE)], workspace_id=campaign.workspace_id)
    return run


def run_create_now(campaign: Campaign) -> CampaignRun:
    """ "Send now": a run at this instant; the schedule goes on from now. Caller holds the lock."""
    now = timezone.now()
    campaign.next_run_at = now
    run = run_create(campaign, now, action="send_now")
    if run is None:
        raise IntegrityError("a run at this instant exists already")
    return run


def campaign_expire(campaign: Campaign) -> None:
    """The scheduler was down past the end: no run now, it would be outside the window."""
    campaign.next_run_at = None
    campaign_move(campaign, "expire", CampaignStatus.FINISHED)
    campaign.save(update_fields=["next_run_at", "status", "updated_at"])


def run_launched(run: CampaignRun, *, recipients: int, at: dt.datetime) -> None:
    """Its deliveries exist: the run is sending. The caller holds the run's lock."""
    runs_move_where(
        [run.pk], action="launch", target=RunStatus.SENDING, started_at=at, recipients=recipients
    )
    run.status, run.started_at, run.recipients = RunStatus.SENDING, at, recipients


def run_drop(run: CampaignRun) -> None:
    """Its campaign was cancelled or disabled before it launched."""
    runs_move_where([run.pk], action="drop", target=RunStatus.CANCELLED)
    run.status = RunStatus.CANCELLED


def run_finish(run_id: int) -> bool:
    """Nothing is left to send in the run: it is finished, and its campaign if no run is to come."""
    with transaction.atomic():
        finished = runs_move_where(
            [run_id], action="finish", target=RunStatus.FINISHED, finished_at=timezone.now()
        )
        run = CampaignRun.objects.select_related("campaign").get(pk=run_id)
        campaign_finish_if_done(run.campaign)
    if finished:
        dashboard_invalidate(workspace_id=run.campaign.workspace_id)
    return bool(finished)


def campaign_finish_if_done(campaign: Campaign) -> None:
    busy = campaign.runs.filter(status__in=ACTIVE_RUNS).exists()
    if not busy and campaign.next_run_at is None:
        campaigns_move_where(
            campaign_id=campaign.pk, action="finish", target=CampaignStatus.FINISHED
        )


def campaign_auto_pause(*, campaign_id: int, reason: str) -> None:
    """Too many errors: the campaign stops sending, says why, and its owners are told by mail."""
    with transaction.atomic():
        paused = campaigns_move_where(
            campaign_id=campaign_id,
            action="auto_pause",
            target=CampaignStatus.PAUSED,
            paused_reason=reason,
        )
        if not paused:
            return
        CampaignEvent.objects.create(
            campaign_id=campaign_id, action=ApprovalAction.AUTOPAUSED, comment=reason
        )
    campaign = Campaign.objects.get(pk=campaign_id)
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
