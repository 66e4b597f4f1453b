"""Editing campaigns: create and change (validated, approval reset), and clone."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.audience.models import MailingList, Segment
from postroom.campaigns.channels import channel_content
from postroom.campaigns.models import Campaign, CampaignStatus, Channel, Periodicity
from postroom.campaigns.services.access import require_perm
from postroom.campaigns.services.activation import campaign_activate
from postroom.campaigns.services.approval import EDITABLE, campaign_recheck_approval
from postroom.campaigns.signals import campaign_cloned
from postroom.content.models import Message
from postroom.core.dashboard import dashboard_invalidate
from postroom.core.unset import UNSET, Unset, fields_assign


def _validate(campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    if campaign.message is None:
        if campaign.channel == Channel.EMAIL:
            errors["message"] = _("An email campaign needs a message.")
    elif campaign.message.workspace_id != campaign.workspace_id:
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


def _content_assign(campaign: Campaign, content: int | Unset | None) -> None:
    """A campaign of a channel other than email keeps its content (a push creative) in that channel's app.

    Refused: none given for a new campaign (or one that has none), or one of another workspace.
    """
    channel = channel_content(campaign.channel)
    if channel is None:
        if campaign.channel != Channel.EMAIL:
            raise ValidationError({"channel": _("This channel is not available.")})
        return
    if isinstance(content, Unset):
        content = channel.current(campaign)
    if content is None:
        raise ValidationError({"creative": _("A push campaign needs a creative.")})
    if content not in {pk for pk, _name in channel.choices(campaign.workspace_id)}:
        raise ValidationError({"creative": _("Unknown creative.")})
    channel.assign(campaign, content)


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
    lists: Iterable[MailingList] | None = None,
    exclude_lists: Iterable[MailingList] | None = None,
    name: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    message: Message | Unset | None = UNSET,
    creative: int | Unset | None = UNSET,
    segment: Segment | Unset | None = UNSET,
    exclude_segment: Segment | Unset | None = UNSET,
    start_at: dt.datetime | Unset = UNSET,
    end_at: dt.datetime | Unset | None = UNSET,
    periodicity: str | Unset = UNSET,
    weekdays: list[int] | Unset = UNSET,
    month_day: int | Unset | None = UNSET,
    send_time: dt.time | Unset | None = UNSET,
    time_zone: str | Unset = UNSET,
    send_at_start: bool | Unset = UNSET,
    window_start: dt.time | Unset | None = UNSET,
    window_end: dt.time | Unset | None = UNSET,
    priority: int | Unset = UNSET,
    track_opens: bool | Unset = UNSET,
    track_clicks: bool | Unset = UNSET,
) -> Campaign:
    """Create or change a campaign; a change after approval sends it back for approval.

    Fields left UNSET keep their value (a new campaign: the model's default);
    `lists` and `exclude_lists` None leave the lists as they are. The status is
    never set here: it moves through `postroom.campaigns.states`. `creative` is
    a push campaign's creative (by id, kept by the push app); email ignores it.
    """
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
    fields_assign(
        campaign,
        name=name,
        channel=channel,
        message=message,
        segment=segment,
        exclude_segment=exclude_segment,
        start_at=start_at,
        end_at=end_at,
        periodicity=periodicity,
        weekdays=weekdays,
        month_day=month_day,
        send_time=send_time,
        time_zone=time_zone,
        send_at_start=send_at_start,
        window_start=window_start,
        window_end=window_end,
        priority=priority,
        track_opens=track_opens,
        track_clicks=track_clicks,
    )
    if campaign.channel != Channel.EMAIL:
        campaign.message = None  # what it sends is the channel's content, not a message
    _validate(campaign)
    campaign.save()
    _content_assign(campaign, creative)
    for name, chosen in (("lists", lists), ("exclude_lists", exclude_lists)):
        if chosen is not None:
            chosen = list(chosen)
            if any(m.workspace_id != campaign.workspace_id for m in chosen):
                raise ValidationError({name: _("Unknown list.")})
            getattr(campaign, name).set(chosen)
    campaign_recheck_approval(campaign=campaign, user=actor.user)
    if campaign.status == CampaignStatus.SCHEDULED:
        campaign_activate(campaign, "reschedule")  # a new start or schedule moves the next run
        campaign.save(update_fields=["next_run_at", "status", "updated_at"])
    dashboard_invalidate(workspace_id=campaign.workspace_id)
    return campaign


@transaction.atomic
def campaign_clone(*, actor: Membership, campaign: Campaign) -> Campaign:
    """A new draft with a copy of the message, the same audience and settings."""
    require_perm(actor, Perm.CAMPAIGN_CHANGE, campaign)
    if campaign.status == CampaignStatus.DISABLED:
        raise ValidationError(_("A disabled campaign cannot be cloned."))
    # A push campaign has none.
    message = (
        Message.objects.filter(pk=campaign.message_id).first() if campaign.message_id else None
    )
    if message is not None:
        message.pk = None
        message.name = _("%(name)s (copy)") % {"name": message.name}
        message.version = 1
        message.save()
    lists, exclude = list(campaign.lists.all()), list(campaign.exclude_lists.all())
    clone = Campaign.objects.get(pk=campaign.pk)
    clone.pk = None
    clone.name = _("%(name)s (copy)") % {"name": campaign.name}
    clone.message = message
    clone.status = CampaignStatus.DRAFT  # a new campaign: no move from the original's status
    clone.next_run_at = None
    clone.approved_fingerprint = ""
    clone.disabled_reason = ""
    clone.created_by = actor.user
    clone.save()
    clone.lists.set(lists)
    clone.exclude_lists.set(exclude)
    campaign_cloned.send(sender=Campaign, original=campaign, clone=clone)
    dashboard_invalidate(workspace_id=clone.workspace_id)
    return clone
