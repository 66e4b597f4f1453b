"""A campaign sent to the sandbox reached nobody: its report says accepted, not delivered."""

import pytest
from django.utils import timezone

from postroom.campaigns.models import CampaignRun
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import launched_run, relay_for

pytestmark = pytest.mark.django_db


def test_a_campaign_kept_by_the_sandbox_is_not_reported_delivered(owner, login):
    campaign, run, _subscribers = launched_run(owner.workspace, 3)  # no relay: the sandbox
    run_send(run.pk)

    body = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report/").content.decode()

    assert "Accepted by the sandbox" in body and "nothing left this machine" in body
    assert ">Delivered<" not in body and "100.0%" not in body
    assert 'data-metric="delivered">3<' in body


def test_a_campaign_sent_through_a_relay_is_reported_delivered(owner, login, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, run, _subscribers = launched_run(owner.workspace, 3)
    run_send(run.pk)

    body = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report/").content.decode()

    assert ">Delivered<" in body and 'id="report-sandboxed"' not in body


def test_a_run_of_each_kind_is_told_apart(owner, login, smtp_server):
    # given a campaign whose first run went to the sandbox, then a relay was set up
    campaign, first, _subscribers = launched_run(owner.workspace, 2)
    run_send(first.pk)
    relay_for(smtp_server, owner.workspace)
    second = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    run_launch(second.pk)
    run_send(second.pk)
    browser = login(owner.user)
    url = f"/app/campaigns/{campaign.pk}/report/"

    # then all runs: delivered, two of them only accepted by the sandbox; each run on its own
    all_runs = browser.get(url).content.decode()
    assert ">Delivered<" in all_runs and "2 only accepted by the sandbox" in all_runs
    assert "Accepted by the sandbox" in browser.get(f"{url}?run={first.pk}").content.decode()
    assert 'id="report-sandboxed"' not in browser.get(f"{url}?run={second.pk}").content.decode()
