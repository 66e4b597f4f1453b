"""What people do to a campaign that sends: send now, pause, resume, cancel, retry failed, disable."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Perm
from postroom.campaigns.models import (
    ApprovalAction,
    Campaign,
    CampaignRun,
    CampaignStatus,
    RunStatus,
)
from postroom.campaigns.outbox import outbox
from postroom.campaigns.services.access import require_perm
from postroom.campaigns.services.activation import ACTIVE_RUNS, campaign_activate
from postroom.campaigns.services.approval import (
    campaign_event,
    campaign_fingerprint,
    campaign_schedule,
)
from postroom.campaigns.services.runs import run_create_now
from postroom.campaigns.states import campaign_check, campaign_move, runs_move_where
from postroom.core.dashboard import dashboard_invalidate

_CONTROLS = {
    "pause": CampaignStatus.PAUSED,
    "resume": CampaignStatus.SCHEDULED,
    "cancel": CampaignStatus.CANCELLED,
}


def _locked(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("workspace", "message")
        .get(pk=campaign.pk)
    )


@transaction.atomic
def campaign_transition(*, actor: Membership, campaign: Campaign, action: str) -> Campaign:
    """Pause, resume or cancel."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    target = _CONTROLS[action]
    campaign = _locked(campaign)
    campaign_check(campaign, action)
    if action == "resume":
        campaign.paused_reason = ""
        campaign_activate(campaign, "resume")
    else:
        campaign_move(campaign, action, target)
        if target == CampaignStatus.CANCELLED:
            campaign.next_run_at = None
            campaign_runs_cancel(campaign)
    campaign.save()
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    return campaign


def campaign_runs_cancel(campaign: Campaign) -> int:
    """Cancel the open runs and what waits in them; a message in a worker's hands finishes its attempt."""
    runs = list(campaign.runs.filter(status__in=ACTIVE_RUNS).values_list("pk", flat=True))
    cancelled = outbox().runs_cancel_pending(runs)
    runs_move_where(runs, action="cancel", target=RunStatus.CANCELLED, finished_at=timezone.now())
    return cancelled


@transaction.atomic
def campaign_send_now(*, actor: Membership | None, campaign: Campaign) -> CampaignRun | None:
    """Run the campaign now instead of at its next time (a draft is scheduled first).

    None when the draft needs approval: it is submitted instead, and sends once approved.

    `actor` None is the command line, acting for the platform: no role check,
    but approval rules hold all the same.
    """
    if actor is not None:
        require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    campaign = Campaign.objects.select_for_update().select_related("workspace").get(pk=campaign.pk)
    if campaign.status == CampaignStatus.DRAFT:
        if actor is not None:
            campaign = campaign_schedule(actor=actor, campaign=campaign)
        elif campaign.workspace.campaigns_need_approval and (
            campaign.approved_fingerprint != campaign_fingerprint(campaign)
        ):
            raise ValidationError(_("This campaign needs approval before it can be sent."))
        else:
            campaign_move(campaign, "schedule", CampaignStatus.SCHEDULED)
        if campaign.status == CampaignStatus.PENDING_APPROVAL:
            return None  # submitted: it sends once approved
    campaign_check(campaign, "send_now")
    if campaign.runs.filter(status__in=ACTIVE_RUNS).exists():
        raise ValidationError(_("A run of this campaign is sending already."))
    run = run_create_now(campaign)
    campaign_event(campaign, ApprovalAction.SENT_NOW, actor.user if actor else None)
    return run


@transaction.atomic
def campaign_retry_failed(*, actor: Membership, campaign: Campaign) -> int:
    """Queue the failed recipients again (only them); those suppressed since are skipped at send time."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_check(campaign, "retry_failed")
    runs = list(
        campaign.runs.filter(status__in=(RunStatus.SENDING, RunStatus.FINISHED)).values_list(
            "pk", flat=True
        )
    )
    per_run = outbox().runs_requeue_failed(campaign_id=campaign.pk, run_ids=runs)
    count = sum(per_run.values())
    if not count:
        raise ValidationError(_("No recipient has failed."))
    retried = [run_id for run_id, n in per_run.items() if n]
    runs_move_where(retried, action="reopen", target=RunStatus.SENDING, finished_at=None)
    if campaign.status == CampaignStatus.FINISHED:
        campaign_move(campaign, "retry_failed", CampaignStatus.RUNNING)
        campaign.save(update_fields=["status", "updated_at"])
    campaign_event(campaign, ApprovalAction.RETRIED, actor.user, str(count))
    outbox().runs_start(
        list(campaign.runs.filter(status__in=ACTIVE_RUNS).values_list("pk", "status")),
        workspace_id=campaign.workspace_id,
    )
    return count


@transaction.atomic
def campaign_disable(*, by: User, campaign: Campaign, reason: str) -> Campaign:
    """Platform managers stop a campaign: it never sends, and its owner sees why."""
    if not by.has_perm("campaigns.disable_campaign"):
        raise PermissionDenied(_("You may not disable campaigns."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the campaign is disabled.")})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_move(campaign, "disable", CampaignStatus.DISABLED)
    campaign.next_run_at = None
    campaign_runs_cancel(campaign)
    campaign.disabled_reason = reason.strip()
    campaign.save()
    campaign_event(campaign, ApprovalAction.DISABLED, by, reason)
    return campaign


@transaction.atomic
def campaign_enable(*, by: User, campaign: Campaign) -> Campaign:
    """Platform managers let a disabled campaign be edited again: it becomes a draft."""
    if not by.has_perm("campaigns.disable_campaign"):
        raise PermissionDenied(_("You may not enable campaigns."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.DISABLED:
        campaign_move(campaign, "enable", CampaignStatus.DRAFT)
        campaign.disabled_reason = ""
        campaign.save()
        campaign_event(campaign, ApprovalAction.ENABLED, by)
    return campaign
