"""A running push campaign over an audience, its devices, and a run ready to launch."""

from django.utils import timezone

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, Channel
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.tests.factories import audience
from postroom.push.models import CampaignCreative
from postroom.push.tests.factories import CreativeFactory


def push_campaign(
    workspace, people: int, *, prefix: str = "person", **fields
) -> tuple[Campaign, CampaignRun, list]:
    mailing_list, subscribers = audience(workspace, people, prefix=prefix)
    creative = CreativeFactory(
        workspace=workspace,
        title="Hello {{ subscriber.first_name }}",
        body="Your order has shipped.",
        click_url="https://shop.example.com/orders",
        data={"order": 7},
    )
    campaign = CampaignFactory(
        workspace=workspace, channel=Channel.PUSH, status=CampaignStatus.RUNNING, **fields
    )
    campaign.lists.add(mailing_list)
    CampaignCreative.objects.create(campaign=campaign, creative=creative)
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    return campaign, run, subscribers
