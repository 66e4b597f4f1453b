"""Push campaigns' delivery rows as the push launch leaves them, for tracking and report tests."""

import datetime as dt
from typing import Any

from django.utils import timezone

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, Channel
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.push.tests.factories import DeviceFactory


def push_run(
    workspace: Any, devices: list[Any], **fields: Any
) -> tuple[Campaign, CampaignRun, list[Delivery]]:
    """A running push campaign whose run sent one delivery per device a minute ago.

    `fields` may name a delivery field per device as a list (status, variant, last_response).
    """
    per_device = {name: fields.pop(name) for name in list(fields) if isinstance(fields[name], list)}
    campaign = CampaignFactory(
        workspace=workspace, status=CampaignStatus.RUNNING, channel=Channel.PUSH, **fields
    )
    sent_at = timezone.now() - dt.timedelta(minutes=1)
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=sent_at)
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                run=run,
                subscriber_id=device.subscriber_id,
                email="",
                device_id=device.pk,
                **(
                    {"next_attempt_at": sent_at, "sent_at": sent_at, "status": DeliveryStatus.SENT}
                    | {name: values[i] for name, values in per_device.items()}
                ),
            )
            for i, device in enumerate(devices)
        ]
    )
    return campaign, run, deliveries


def devices(workspace: Any, *kinds: tuple[str, str]) -> list[Any]:
    """One device per (kind, platform)."""
    return [
        DeviceFactory(workspace=workspace, kind=kind, platform=platform) for kind, platform in kinds
    ]
