"""Every change of a campaign's state: edit, schedule, approval, pause, cancel, clone, disable."""

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Perm
from postroom.campaigns.models import (
    ApprovalAction,
    Campaign,
    CampaignEvent,
    CampaignStatus,
    Periodicity,
    RunStatus,
)
from postroom.campaigns.schedule import Schedule, next_after_run, next_occurrence
from postroom.content.services import message_links_check_start
from postroom.core.dashboard import dashboard_invalidate

EDITABLE = (
    CampaignStatus.DRAFT,
    CampaignStatus.PENDING_APPROVAL,
    CampaignStatus.SCHEDULED,
    CampaignStatus.PAUSED,
)
M2M = ("lists", "exclude_lists")


def campaign_schedule_spec(campaign: Campaign) -> Schedule:
    return Schedule(
        start_at=campaign.start_at,
        end_at=campaign.end_at,
        periodicity=campaign.periodicity,
        time_zone=campaign.time_zone or "UTC",
        send_time=campaign.send_time,
        weekdays=tuple(campaign.weekdays or ()),
        month_day=campaign.month_day,
    )


def _segment_print(segment_id: int | None) -> list[Any] | None:
    # The definition, not only the id: widening an approved segment widens the send.
    from postroom.audience.models import Segment

    if segment_id is None:
        return None
    definition = Segment.objects.filter(pk=segment_id).values_list("definition", flat=True).first()
    return [segment_id, definition]


def campaign_fingerprint(campaign: Campaign) -> str:
    """What an approver approved: content (message version), audience and schedule.

    The audience is everything that decides who receives it: the lists, the
    exclusion lists, and the segment and exclusion segment by their definitions.
    """
    from postroom.content.models import ContentBlock
    from postroom.content.rendering import body_html_source

    message = campaign.message
    blocks = sorted(
        ContentBlock.objects.filter(workspace_id=campaign.workspace_id).values_list("key", "html")
    )
    content = [
        message.subject,
        message.preheader,
        message.from_email,
        message.from_name,
        message.reply_to,
        body_html_source(message),
        message.text_body,
        blocks,
    ]
    data = {
        "message": [campaign.message_id, hashlib.sha256(json.dumps(content).encode()).hexdigest()],
        "lists": sorted(campaign.lists.values_list("id", flat=True)),
        "exclude_lists": sorted(campaign.exclude_lists.values_list("id", flat=True)),
        "segment": _segment_print(campaign.segment_id),
        "exclude_segment": _segment_print(campaign.exclude_segment_id),
        "schedule": [
            campaign.start_at.isoformat(),
            campaign.end_at.isoformat() if campaign.end_at else None,
            campaign.periodicity,
            campaign.weekdays,
            campaign.month_day,
            str(campaign.send_time),
            campaign.time_zone,
            str(campaign.window_start),
            str(campaign.window_end),
            # Only when set, so campaigns approved before the option existed stay approved.
            *(["send_at_start"] if campaign.send_at_start else []),
        ],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _changed(campaign: Campaign) -> None:
    dashboard_invalidate(workspace_id=campaign.workspace_id)


def _event(campaign: Campaign, action: str, user: User | None, comment: str = "") -> None:
    CampaignEvent.objects.create(campaign=campaign, action=action, user=user, comment=comment)


def require_perm(actor: Membership, perm: str, campaign: Campaign | None = None) -> None:
    """The actor's role allows `perm`, and the campaign (if any) is in the actor's workspace."""
    if not actor.has(perm):
        raise PermissionDenied(_("Your role in this workspace does not allow this."))
    if campaign is not None and campaign.workspace_id != actor.workspace_id:
        raise PermissionDenied(_("That belongs to another workspace."))


def _validate(campaign: Campaign) -> None:
    import zoneinfo

    errors: dict[str, str] = {}
    if campaign.message.workspace_id != campaign.workspace_id:
        errors["message"] = _("Unknown message.")
    for field in ("segment", "exclude_segment"):
        value = getattr(campaign, field)
        if value is not None and value.workspace_id != campaign.workspace_id:
            errors[field] = _("Unknown segment.")
    try:
        zoneinfo.ZoneInfo(campaign.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = _("Unknown time zone.")
    if campaign.end_at and campaign.end_at <= campaign.start_at:
        errors["end_at"] = _("The end must be after the start.")
    weekdays = campaign.weekdays or []
    if not isinstance(weekdays, list) or any(
        not isinstance(d, int) or d not in range(7) for d in weekdays
    ):
        errors["weekdays"] = _("Weekdays are 0 (Monday) to 6 (Sunday).")
    if campaign.month_day is not None and not 1 <= campaign.month_day <= 31:
        errors["month_day"] = _("A day of the month is 1 to 31.")
    errors.update(_periodicity_errors(campaign))
    if (campaign.window_start is None) != (campaign.window_end is None):
        errors["window_end"] = _("A send window needs both ends.")
    if errors:
        raise ValidationError(errors)


def _periodicity_errors(campaign: Campaign) -> dict[str, str]:
    """A periodic campaign names its own slots: never guessed from the start.

    Guessed from the start (often a past moment, or typed in another zone), a
    weekly campaign sent on a day and at a time nobody chose.
    """
    errors: dict[str, str] = {}
    if campaign.periodicity == Periodicity.ONCE:
        return errors
    if campaign.send_time is None:
        errors["send_time"] = _("A periodic campaign needs its time of day.")
    if campaign.periodicity == Periodicity.WEEKLY and not campaign.weekdays:
        errors["weekdays"] = _("A weekly campaign needs at least one weekday.")
    if campaign.periodicity == Periodicity.MONTHLY and campaign.month_day is None:
        errors["month_day"] = _("A monthly campaign needs its day of the month.")
    return errors


@transaction.atomic
def campaign_save(
    *,
    actor: Membership,
    campaign: Campaign | None = None,
    lists: Any = None,
    exclude_lists: Any = None,
    **fields: Any,
) -> Campaign:
    """Create or change a campaign; a change after approval sends it back for approval."""
    require_perm(actor, Perm.CAMPAIGN_CHANGE, campaign)
    if campaign is not None:
        # A form opened before a manager disabled the campaign must not revive it.
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.status, campaign.disabled_reason = current.status, current.disabled_reason
    if campaign is not None and campaign.status not in EDITABLE:
        raise ValidationError(
            _("A %(status)s campaign cannot be changed.")
            % {"status": campaign.get_status_display()}
        )
    campaign = campaign or Campaign(workspace=actor.workspace, created_by=actor.user)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _validate(campaign)
    campaign.save()
    for name, chosen in (("lists", lists), ("exclude_lists", exclude_lists)):
        if chosen is not None:
            chosen = list(chosen)
            if any(m.workspace_id != campaign.workspace_id for m in chosen):
                raise ValidationError({name: _("Unknown list.")})
            getattr(campaign, name).set(chosen)
    campaign_recheck_approval(campaign=campaign, user=actor.user)
    if campaign.status == CampaignStatus.SCHEDULED:
        _activate(campaign)  # a new start or schedule moves the next run
        campaign.save(update_fields=["next_run_at", "status", "updated_at"])
    _changed(campaign)
    return campaign


def campaign_recheck_approval(*, campaign: Campaign, user: User | None) -> bool:
    """Send an approved campaign back to pending when what was approved changed.

    True when it did: the caller must not send it. Called on every change and
    again at launch, since a segment is edited apart from its campaigns.
    """
    if not campaign.workspace.campaigns_need_approval or not campaign.approved_fingerprint:
        return False
    if campaign_fingerprint(campaign) == campaign.approved_fingerprint:
        return False
    campaign.approved_fingerprint = ""
    if campaign.status in (CampaignStatus.SCHEDULED, CampaignStatus.PAUSED, CampaignStatus.RUNNING):
        campaign.status = CampaignStatus.PENDING_APPROVAL
        campaign.next_run_at = None
    campaign.save(update_fields=["approved_fingerprint", "status", "next_run_at", "updated_at"])
    _event(campaign, ApprovalAction.RESET, user)
    _changed(campaign)
    return True


LIVE = (*EDITABLE, CampaignStatus.RUNNING)


def campaigns_recheck_for_message(*, message_id: int, user: User | None) -> None:
    for campaign in Campaign.objects.filter(message_id=message_id, status__in=LIVE).select_related(
        "workspace", "message__layout"
    ):
        campaign_recheck_approval(campaign=campaign, user=user)


def campaigns_recheck_for_segment(*, segment_id: int, user: User | None) -> None:
    """After a segment changed: approved campaigns whose audience it decides need approval again."""
    for campaign in (
        Campaign.objects.filter(status__in=LIVE)
        .filter(Q(segment_id=segment_id) | Q(exclude_segment_id=segment_id))
        .select_related("workspace", "message__layout")
    ):
        campaign_recheck_approval(campaign=campaign, user=user)


def campaigns_recheck_for_workspace(*, workspace_id: int, user: User | None) -> None:
    """After a layout or block changed: campaigns whose rendered content changed need approval again."""
    for campaign in Campaign.objects.filter(
        workspace_id=workspace_id, status__in=LIVE
    ).select_related("workspace", "message__layout"):
        campaign_recheck_approval(campaign=campaign, user=user)


def _continue(campaign: Campaign) -> None:
    """A campaign that has run before goes on: its open runs carry on, the schedule from now.

    Never a second run of a one-off campaign, nor a second run on a day that
    had one (its time moved from 09:00 to 10:00 after the 09:00 send: not
    again at 10:00).
    """
    from postroom.delivery.controls import ACTIVE_RUNS, runs_kick

    campaign.status = CampaignStatus.RUNNING
    last = (
        campaign.runs.exclude(status=RunStatus.CANCELLED)
        .order_by("-scheduled_for")
        .values_list("scheduled_for", flat=True)
        .first()
    )
    spec, now = campaign_schedule_spec(campaign), timezone.now()
    if campaign.periodicity == "once":
        campaign.next_run_at = None
    elif last is None:
        campaign.next_run_at = next_occurrence(spec, now)
    else:
        campaign.next_run_at = next_after_run(spec, run_at=last, now=now)
    if not campaign.runs.filter(status__in=ACTIVE_RUNS).exists() and not campaign.next_run_at:
        campaign.status = CampaignStatus.FINISHED
    runs_kick(campaign)


def _activate(campaign: Campaign) -> None:
    """Scheduled from now on: a one-off at its start (at once if past), a periodic one at its first slot.

    A periodic campaign with `send_at_start` first sends at its start (at once
    if past); that send then stands for its day's slot (`next_after_run`).
    """
    if campaign.runs.exclude(status=RunStatus.CANCELLED).exists():
        _continue(campaign)
        return
    now = timezone.now()
    spec = campaign_schedule_spec(campaign)
    if campaign.periodicity == "once" or campaign.send_at_start:
        # A one-off, or the start send a periodic campaign asked for: at the
        # start, or now when the start has passed.
        first = (
            max(campaign.start_at, now) if not campaign.end_at or campaign.end_at > now else None
        )
    else:
        # Slots only: a start already past never means "send at approval".
        first = next_occurrence(spec, now - dt.timedelta(seconds=1))
    if first is None:
        raise ValidationError(_("The campaign has no run left before its end."))
    campaign.next_run_at = first
    campaign.status = CampaignStatus.SCHEDULED


@transaction.atomic
def campaign_schedule(*, actor: Membership, campaign: Campaign) -> Campaign:
    """Ask for the campaign to be sent: scheduled, or pending when it needs approval."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    campaign = (
        Campaign.objects.select_for_update()
        .select_related("workspace", "message")
        .get(pk=campaign.pk)
    )
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.PENDING_APPROVAL):
        raise ValidationError(_("Only a draft can be scheduled."))
    if not campaign.lists.exists() and campaign.segment_id is None:
        raise ValidationError(_("Choose at least one list or a segment."))
    approved = campaign.approved_fingerprint == campaign_fingerprint(campaign)
    if campaign.workspace.campaigns_need_approval and not approved:
        campaign.status = CampaignStatus.PENDING_APPROVAL
        _event(campaign, ApprovalAction.SUBMITTED, actor.user)
        if not campaign.message.link_checks.filter(version=campaign.message.version).exists():
            message_links_check_start(message=campaign.message)
    else:
        _activate(campaign)
    campaign.save()
    _changed(campaign)
    return campaign


@transaction.atomic
def campaign_decide(
    *, actor: Membership, campaign: Campaign, approve: bool, comment: str = ""
) -> Campaign:
    """An approver approves (the campaign is scheduled) or rejects it (back to draft, with why)."""
    require_perm(actor, Perm.CAMPAIGN_APPROVE, campaign)
    campaign = (
        Campaign.objects.select_for_update()
        .select_related("workspace", "message")
        .get(pk=campaign.pk)
    )
    if campaign.status != CampaignStatus.PENDING_APPROVAL:
        raise ValidationError(_("This campaign is not waiting for approval."))
    if approve:
        _require_links_checked(campaign, comment)
        campaign.approved_fingerprint = campaign_fingerprint(campaign)
        _activate(campaign)
        _event(campaign, ApprovalAction.APPROVED, actor.user, comment)
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("Say why the campaign is rejected.")})
        campaign.status = CampaignStatus.DRAFT
        _event(campaign, ApprovalAction.REJECTED, actor.user, comment)
    campaign.save()
    _changed(campaign)
    return campaign


def _require_links_checked(campaign: Campaign, comment: str) -> None:
    """Broken links block approval unless the approver gives a reason to override."""
    check = campaign.message.link_checks.filter(version=campaign.message.version).first()
    if check is None:
        message_links_check_start(message=campaign.message)
        raise ValidationError(_("The links are being checked; approve when the report is ready."))
    if check.status != check.Status.DONE:
        raise ValidationError(_("The links are being checked; approve when the report is ready."))
    if check.broken and not comment.strip():
        raise ValidationError(
            {
                "comment": _("%(n)s links are broken: fix them, or say why you approve anyway.")
                % {"n": check.broken}
            }
        )


_TRANSITIONS = {
    "pause": ((CampaignStatus.SCHEDULED, CampaignStatus.RUNNING), CampaignStatus.PAUSED),
    "resume": ((CampaignStatus.PAUSED,), CampaignStatus.SCHEDULED),
    "cancel": (
        (
            CampaignStatus.DRAFT,
            CampaignStatus.PENDING_APPROVAL,
            CampaignStatus.SCHEDULED,
            CampaignStatus.RUNNING,
            CampaignStatus.PAUSED,
        ),
        CampaignStatus.CANCELLED,
    ),
}


@transaction.atomic
def campaign_transition(*, actor: Membership, campaign: Campaign, action: str) -> Campaign:
    """Pause, resume or cancel."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    allowed, target = _TRANSITIONS[action]
    campaign = (
        Campaign.objects.select_for_update()
        .select_related("workspace", "message")
        .get(pk=campaign.pk)
    )
    if campaign.status not in allowed:
        raise ValidationError(
            _("Not possible while the campaign is %(s)s.") % {"s": campaign.get_status_display()}
        )
    from postroom.delivery.controls import deliveries_cancel

    if action == "resume":
        campaign.paused_reason = ""
        _activate(campaign)
    else:
        campaign.status = target
        if target == CampaignStatus.CANCELLED:
            campaign.next_run_at = None
            deliveries_cancel(campaign)
    campaign.save()
    _changed(campaign)
    return campaign


@transaction.atomic
def campaign_clone(*, actor: Membership, campaign: Campaign) -> Campaign:
    """A new draft with a copy of the message, the same audience and settings."""
    from postroom.content.models import Message

    require_perm(actor, Perm.CAMPAIGN_CHANGE, campaign)
    if campaign.status == CampaignStatus.DISABLED:
        raise ValidationError(_("A disabled campaign cannot be cloned."))
    message = Message.objects.get(pk=campaign.message_id)
    message.pk = None
    message.name = _("%(name)s (copy)") % {"name": message.name}
    message.version = 1
    message.save()
    lists, exclude = list(campaign.lists.all()), list(campaign.exclude_lists.all())
    clone = Campaign.objects.get(pk=campaign.pk)
    clone.pk = None
    clone.name = _("%(name)s (copy)") % {"name": campaign.name}
    clone.message = message
    clone.status = CampaignStatus.DRAFT
    clone.next_run_at = None
    clone.approved_fingerprint = ""
    clone.disabled_reason = ""
    clone.created_by = actor.user
    clone.save()
    clone.lists.set(lists)
    clone.exclude_lists.set(exclude)
    _changed(clone)
    return clone


@transaction.atomic
def campaign_disable(*, by: User, campaign: Campaign, reason: str) -> Campaign:
    """Platform managers stop a campaign: it never sends, and its owner sees why."""
    if not by.has_perm("campaigns.disable_campaign"):
        raise PermissionDenied(_("You may not disable campaigns."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the campaign is disabled.")})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status = CampaignStatus.DISABLED
    campaign.next_run_at = None
    from postroom.delivery.controls import deliveries_cancel

    deliveries_cancel(campaign)
    campaign.disabled_reason = reason.strip()
    campaign.save()
    _event(campaign, ApprovalAction.DISABLED, by, reason)
    return campaign


@transaction.atomic
def campaign_enable(*, by: User, campaign: Campaign) -> Campaign:
    if not by.has_perm("campaigns.disable_campaign"):
        raise PermissionDenied(_("You may not enable campaigns."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.DISABLED:
        campaign.status = CampaignStatus.DRAFT
        campaign.disabled_reason = ""
        campaign.save()
        _event(campaign, ApprovalAction.ENABLED, by)
    return campaign
