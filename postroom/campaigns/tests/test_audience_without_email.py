"""Email campaigns skip contacts without an email address; launching one counts only those with one."""

import pytest
from django.utils import timezone

from postroom.audience.services.subscribers import subscriber_create
from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.selectors import campaign_audience
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import audience

pytestmark = pytest.mark.django_db


def test_a_campaign_launch_skips_push_only_contacts(owner):
    # given a list of three with an address and two known by external id only
    mailing_list, people = audience(owner.workspace, 3)
    for external_id in ("u1", "u2"):
        subscriber_create(workspace=owner.workspace, external_id=external_id, lists=[mailing_list])
    campaign = CampaignFactory(workspace=owner.workspace, status=CampaignStatus.RUNNING)
    campaign.lists.add(mailing_list)
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())

    # when
    launched = run_launch(run.pk)

    # then
    assert launched == 3
    assert sorted(Delivery.objects.values_list("email", flat=True)) == sorted(
        p.email for p in people
    )
    assert campaign_audience(campaign).count() == 3


def test_a_segment_campaign_skips_them_too(owner):
    from postroom.audience.tests.factories import SegmentFactory

    mailing_list, _ = audience(owner.workspace, 2)
    subscriber_create(workspace=owner.workspace, external_id="u1", lists=[mailing_list])
    everybody = SegmentFactory(
        workspace=owner.workspace,
        definition={"conditions": [{"type": "created", "op": "in_last_days", "value": 1}]},
    )
    campaign = CampaignFactory(workspace=owner.workspace, segment=everybody)

    assert campaign_audience(campaign).count() == 2
