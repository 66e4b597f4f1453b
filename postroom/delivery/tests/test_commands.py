import io

import pytest
from django.core.management import CommandError, call_command

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.tests.factories import audience, relay_for

pytestmark = pytest.mark.django_db


def make_campaign(workspace):
    mailing_list, _ = audience(workspace, 4)
    campaign = CampaignFactory(workspace=workspace)
    campaign.lists.add(mailing_list)
    return campaign


def test_send_campaign_sends_through_the_engine(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign = make_campaign(owner.workspace)
    smtp_server.on("person3@example.com", "rcpt", reply="550 5.1.1 Unknown")
    out, err = io.StringIO(), io.StringIO()

    call_command("send_campaign", str(campaign.pk), stdout=out, stderr=err)

    assert len(smtp_server.received) == 3
    assert "3 sent, 1 failed" in out.getvalue()
    assert "100.0%" in err.getvalue()  # the progress bar
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_dry_run_renders_the_first_message_and_changes_nothing(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign = make_campaign(owner.workspace)
    out = io.StringIO()

    call_command("send_campaign", str(campaign.pk), "--dry-run", stdout=out)

    assert "4 recipients" in out.getvalue() and "Subject: Hello Pat" in out.getvalue()
    assert smtp_server.received == [] and not Delivery.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == "draft" and not campaign.runs.exists()


def test_a_campaign_waiting_for_approval_is_not_sent_from_the_command_line(owner):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    campaign = make_campaign(owner.workspace)

    with pytest.raises(CommandError, match="approval"):
        call_command("send_campaign", str(campaign.pk), stdout=io.StringIO())
