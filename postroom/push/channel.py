"""Push as a campaign channel: what it registers with the layers below when Django starts.

- campaigns: who a push campaign can reach (a valid device), its content (a
  creative of the workspace, kept in `CampaignCreative`), the creative in what
  an approver approves, and a clone keeping it;
- delivery: the launch's rows (one per valid device) and the job that sends them.
"""

import hashlib
import json
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver

from postroom.campaigns.channels import ChannelContent, channel_register
from postroom.campaigns.models import Campaign, Channel
from postroom.campaigns.services.approval import fingerprint_part_register
from postroom.campaigns.signals import campaign_cloned
from postroom.delivery.sending.channels import ChannelSender, channel_sender_register
from postroom.push.models import CampaignCreative, Creative, Device
from postroom.push.sending.engine import push_run_send
from postroom.push.sending.launch import device_rows


def _reachable() -> Q:
    return Q(Exists(Device.objects.filter(subscriber_id=OuterRef("pk"), is_valid=True)))


def _choices(workspace_id: int) -> list[tuple[int, str]]:
    return list(Creative.objects.filter(workspace_id=workspace_id).values_list("pk", "name"))


def campaign_creative_id(campaign: Campaign) -> int | None:
    if campaign.pk is None:
        return None
    if Campaign.push_creative.is_cached(campaign):  # selected with the campaign (lists)
        link = getattr(campaign, "push_creative", None)
        return link.creative_id if link is not None else None
    return (
        CampaignCreative.objects.filter(campaign_id=campaign.pk)
        .values_list("creative_id", flat=True)
        .first()
    )


def _assign(campaign: Campaign, creative_id: int) -> None:
    link, _created = CampaignCreative.objects.update_or_create(
        campaign_id=campaign.pk, defaults={"creative_id": creative_id}
    )
    campaign.push_creative = link  # a campaign loaded with its creative (lists) reads the new one


def creative_print(creative: Creative) -> str:
    """A digest of everything a creative sends."""
    content = [
        creative.title,
        creative.body,
        creative.icon_url,
        creative.image_url,
        creative.click_url,
        creative.data,
        creative.ttl,
        creative.urgency,
        creative.collapse_key,
    ]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _fingerprint(campaign: Campaign) -> Any:
    """The creative in what an approver approves (None for email: its approvals stand)."""
    if campaign.channel != Channel.PUSH:
        return None
    link = CampaignCreative.objects.select_related("creative").filter(campaign_id=campaign.pk)
    found = link.first()
    return [found.creative_id, creative_print(found.creative)] if found else ["none"]


@receiver(campaign_cloned, dispatch_uid="push.clone")
def _cloned(sender: Any, original: Campaign, clone: Campaign, **kwargs: Any) -> None:
    creative_id = campaign_creative_id(original)
    if creative_id is not None:
        CampaignCreative.objects.create(campaign=clone, creative_id=creative_id)


def channel_setup() -> None:
    channel_register(
        Channel.PUSH,
        ChannelContent(
            reachable=_reachable,
            choices=_choices,
            current=campaign_creative_id,
            assign=_assign,
            related="push_creative",
        ),
    )
    fingerprint_part_register("push_creative", _fingerprint)
    channel_sender_register(Channel.PUSH, ChannelSender(rows=device_rows, send=push_run_send))
