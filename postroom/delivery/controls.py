"""Campaign controls that reach into the outbox: send now, retry failed, and what pause/resume/cancel do to deliveries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.campaigns.dispatch import campaign_dispatch_now
from postroom.campaigns.models import (
    ApprovalAction,
    Campaign,
    CampaignEvent,
    CampaignRun,
    CampaignStatus,
    RunStatus,
)
from postroom.campaigns.services import campaign_fingerprint, campaign_schedule, require_perm
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.outcomes import runs_cancel_pending
from postroom.reports.recording import counters_add

ACTIVE_RUNS = (RunStatus.DUE, RunStatus.SENDING)


def runs_kick(campaign: Campaign) -> None:
    """After commit, start jobs for the campaign's runs: launch the due ones, send the rest."""
    from postroom.delivery.tasks import run_launch_job, run_send_enqueue

    runs = list(campaign.runs.filter(status__in=ACTIVE_RUNS).values_list("pk", "status"))

    def kick() -> None:
        for run_id, status in runs:
            if status == RunStatus.DUE:
                run_launch_job(run_id)
            else:
                run_send_enqueue(run_id, campaign.workspace_id)

    transaction.on_commit(kick)


def deliveries_cancel(campaign: Campaign) -> int:
    """Cancel what is still waiting; a message in a worker's hands finishes its attempt."""
    runs = campaign.runs.filter(status__in=ACTIVE_RUNS)
    cancelled = runs_cancel_pending(runs)
    runs.update(status=RunStatus.CANCELLED, finished_at=timezone.now())
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
            campaign.status = CampaignStatus.SCHEDULED
        if campaign.status == CampaignStatus.PENDING_APPROVAL:
            return None  # submitted: it sends once approved
    if campaign.status not in (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING):
        raise ValidationError(
            _("Not possible while the campaign is %(s)s.") % {"s": campaign.get_status_display()}
        )
    if campaign.runs.filter(status__in=ACTIVE_RUNS).exists():
        raise ValidationError(_("A run of this campaign is sending already."))
    run = campaign_dispatch_now(campaign)
    CampaignEvent.objects.create(
        campaign=campaign, user=actor.user if actor else None, action=ApprovalAction.SENT_NOW
    )
    return run


@transaction.atomic
def campaign_retry_failed(*, actor: Membership, campaign: Campaign) -> int:
    """Queue the failed recipients again (only them); those suppressed since are skipped at send time."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (CampaignStatus.CANCELLED, CampaignStatus.DISABLED):
        raise ValidationError(
            _("Not possible while the campaign is %(s)s.") % {"s": campaign.get_status_display()}
        )
    runs = list(
        campaign.runs.filter(status__in=(RunStatus.SENDING, RunStatus.FINISHED)).values_list(
            "pk", flat=True
        )
    )
    failed = Delivery.objects.filter(run_id__in=runs, status=DeliveryStatus.FAILED)
    per_run = dict(failed.values("run_id").annotate(n=Count("id")).values_list("run_id", "n"))
    count = failed.update(
        status=DeliveryStatus.QUEUED, next_attempt_at=timezone.now(), first_attempt_at=None
    )
    for run_id, n in per_run.items():  # they are failed no more
        counters_add(campaign_id=campaign.pk, run_id=run_id, at=timezone.now(), failed=-n)
    if not count:
        raise ValidationError(_("No recipient has failed."))
    retried = list(
        Delivery.objects.filter(run_id__in=runs, status=DeliveryStatus.QUEUED)
        .values_list("run_id", flat=True)
        .distinct()
    )
    CampaignRun.objects.filter(pk__in=retried).update(status=RunStatus.SENDING, finished_at=None)
    if campaign.status == CampaignStatus.FINISHED:
        campaign.status = CampaignStatus.RUNNING
        campaign.save(update_fields=["status", "updated_at"])
    CampaignEvent.objects.create(
        campaign=campaign, user=actor.user, action=ApprovalAction.RETRIED, comment=str(count)
    )
    runs_kick(campaign)
    return count
