"""Approval: what an approver approved (a fingerprint), submitting, deciding, and resets on change."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Perm
from postroom.audience.models import Segment
from postroom.campaigns.models import ApprovalAction, Campaign, CampaignEvent, CampaignStatus
from postroom.campaigns.services.access import require_perm
from postroom.campaigns.services.activation import campaign_activate
from postroom.campaigns.states import campaign_move
from postroom.content.models import ContentBlock, Message
from postroom.content.rendering import body_html_source
from postroom.content.services import message_links_check_start
from postroom.core.dashboard import dashboard_invalidate

EDITABLE = (
    CampaignStatus.DRAFT,
    CampaignStatus.PENDING_APPROVAL,
    CampaignStatus.SCHEDULED,
    CampaignStatus.PAUSED,
)
LIVE = (*EDITABLE, CampaignStatus.RUNNING)


def _segment_print(segment_id: int | None) -> list[Any] | None:
    # The definition, not only the id: widening an approved segment widens the send.
    if segment_id is None:
        return None
    definition = Segment.objects.filter(pk=segment_id).values_list("definition", flat=True).first()
    return [segment_id, definition]


# Further parts of what an approver approves, from the apps above (an experiment's
# variants): name -> the part for a campaign, or None when it has none (then the
# fingerprint is what it was before the part existed, and approvals stand).
_PARTS: dict[str, Callable[[Campaign], Any]] = {}


def fingerprint_part_register(name: str, part: Callable[[Campaign], Any]) -> None:
    _PARTS[name] = part


def message_print(message: Message) -> str:
    """A digest of everything a message sends: headers, bodies, the workspace's blocks."""
    blocks = sorted(
        ContentBlock.objects.filter(workspace_id=message.workspace_id).values_list("key", "html")
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
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def campaign_fingerprint(campaign: Campaign) -> str:
    """What an approver approved: content (message version), audience and schedule.

    The audience is everything that decides who receives it: the lists, the
    exclusion lists, and the segment and exclusion segment by their definitions.
    """
    data: dict[str, Any] = {
        # None for a push campaign: its creative is a part the push app adds.
        "message": [campaign.message_id, message_print(campaign.message)]
        if campaign.message is not None
        else None,
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
    for name, part in _PARTS.items():
        value = part(campaign)
        if value is not None:
            data[name] = value
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def campaign_event(campaign: Campaign, action: str, user: User | None, comment: str = "") -> None:
    CampaignEvent.objects.create(campaign=campaign, action=action, user=user, comment=comment)


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
        campaign_move(campaign, "reset_approval", CampaignStatus.PENDING_APPROVAL)
        campaign.next_run_at = None
    campaign.save(update_fields=["approved_fingerprint", "status", "next_run_at", "updated_at"])
    campaign_event(campaign, ApprovalAction.RESET, user)
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    return True


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


@transaction.atomic
def campaign_schedule(*, actor: Membership, campaign: Campaign) -> Campaign:
    """Ask for the campaign to be sent: scheduled, or pending when it needs approval."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("workspace", "message")
        .get(pk=campaign.pk)
    )
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.PENDING_APPROVAL):
        raise ValidationError(_("Only a draft can be scheduled."))
    if not campaign.lists.exists() and campaign.segment_id is None:
        raise ValidationError(_("Choose at least one list or a segment."))
    approved = campaign.approved_fingerprint == campaign_fingerprint(campaign)
    if campaign.workspace.campaigns_need_approval and not approved:
        campaign_move(campaign, "submit", CampaignStatus.PENDING_APPROVAL)
        campaign_event(campaign, ApprovalAction.SUBMITTED, actor.user)
        message = campaign.message
        if message is not None and not message.link_checks.filter(version=message.version).exists():
            message_links_check_start(message=message)
    else:
        campaign_activate(campaign, "schedule")
    campaign.save()
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    return campaign


@transaction.atomic
def campaign_decide(
    *, actor: Membership, campaign: Campaign, approve: bool, comment: str = ""
) -> Campaign:
    """An approver approves (the campaign is scheduled) or rejects it (back to draft, with why)."""
    require_perm(actor, Perm.CAMPAIGN_APPROVE, campaign)
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("workspace", "message")
        .get(pk=campaign.pk)
    )
    if campaign.status != CampaignStatus.PENDING_APPROVAL:
        raise ValidationError(_("This campaign is not waiting for approval."))
    if approve:
        _require_links_checked(campaign, comment)
        campaign.approved_fingerprint = campaign_fingerprint(campaign)
        campaign_activate(campaign, "approve")
        campaign_event(campaign, ApprovalAction.APPROVED, actor.user, comment)
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("Say why the campaign is rejected.")})
        campaign_move(campaign, "reject", CampaignStatus.DRAFT)
        campaign_event(campaign, ApprovalAction.REJECTED, actor.user, comment)
    campaign.save()
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    return campaign


def _require_links_checked(campaign: Campaign, comment: str) -> None:
    """Broken links block approval unless the approver gives a reason to override."""
    if campaign.message is None:
        return  # a push campaign: its click URL is the creative's, checked at save
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
