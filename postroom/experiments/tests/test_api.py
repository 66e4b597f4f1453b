"""The experiment under /api/v1/campaigns/{id}/: configure, read the results, pick the winner."""

import pytest
from django.utils import translation

from postroom.accounts.models import Role
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.tests.factories import MessageFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.claims import deliveries_claim
from postroom.delivery.sending.launch import run_launch
from postroom.experiments.models import Experiment, Mode
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db

BODY = {
    "mode": "manual",
    "metric": "click_rate",
    "test_percent": 30,
    "variants": [
        {"subject": "Spring sale"},
        {"subject": "Our spring sale is on", "from_name": "Ann"},
    ],
}


def url(campaign, action="experiment"):
    return f"/api/v1/campaigns/{campaign.pk}/{action}/"


def test_a_draft_gets_an_experiment_and_shows_it(owner, api):
    # given
    campaign = CampaignFactory(workspace=owner.workspace)
    client = api(owner.user, owner.workspace)
    # when
    response = client.put(url(campaign), BODY, format="json")
    # then
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["experiment"]["mode"] == "manual"
    assert [v["variant"]["letter"] for v in data["variants"]] == ["A", "B"]
    assert data["variants"][1]["variant"]["from_name"] == "Ann"
    assert data["round"] is None
    assert client.get(url(campaign)).json()["experiment"]["test_percent"] == 30


def test_one_variant_is_refused_in_the_error_shape(owner, api):
    campaign = CampaignFactory(workspace=owner.workspace)
    body = {**BODY, "variants": [{"subject": "Only one"}]}
    with translation.override("en"):
        response = api(owner.user, owner.workspace).put(url(campaign), body, format="json")
    assert response.status_code == 400
    assert "2 to 8 variants" in str(response.json())


def test_a_running_campaign_cannot_change_its_experiment(owner, api):
    campaign = CampaignFactory(workspace=owner.workspace, status=CampaignStatus.RUNNING)
    response = api(owner.user, owner.workspace).put(url(campaign), BODY, format="json")
    assert response.status_code == 400
    assert not Experiment.objects.exists()


def test_the_owner_picks_the_winner_and_the_rest_is_queued_with_it(owner, api):
    campaign, _, _ = experiment_campaign(owner.workspace, 100, mode=Mode.MANUAL, test_percent=20)
    run = run_of(campaign)
    run_launch(run.pk)
    waiting = Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING).count()

    response = api(owner.user, owner.workspace).post(
        url(campaign, "pick-winner"), {"variant": 2}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"released": waiting}
    rest = deliveries_claim(run_id=run.pk, owner="w", size=1000, lease_seconds=60)
    assert len(rest) == 100 and {c.variant for c in rest if c.variant != 1} == {2}
    assert not Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING).exists()
    report = api(owner.user, owner.workspace).get(url(campaign)).json()
    assert report["round"]["winner"] == 2
    assert report["decision"].startswith("B picked by")


def test_picking_twice_is_refused(owner, api):
    campaign, _, _ = experiment_campaign(owner.workspace, 20, mode=Mode.MANUAL)
    run_launch(run_of(campaign).pk)
    client = api(owner.user, owner.workspace)
    assert (
        client.post(url(campaign, "pick-winner"), {"variant": 1}, format="json").status_code == 200
    )
    assert (
        client.post(url(campaign, "pick-winner"), {"variant": 2}, format="json").status_code == 400
    )


def test_a_viewer_reads_but_cannot_configure_or_pick(owner, member, api):
    campaign, _, _ = experiment_campaign(owner.workspace, 10, mode=Mode.MANUAL)
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    client = api(viewer.user, owner.workspace)
    assert client.get(url(campaign)).status_code == 200
    assert client.put(url(campaign), BODY, format="json").status_code == 403
    assert (
        client.post(url(campaign, "pick-winner"), {"variant": 1}, format="json").status_code == 403
    )


def test_another_workspaces_campaign_is_not_found(owner, other_owner, api):
    campaign, _, _ = experiment_campaign(other_owner.workspace, 10, mode=Mode.MANUAL)
    run_launch(run_of(campaign).pk)
    client = api(owner.user, owner.workspace)
    assert client.get(url(campaign)).status_code == 404
    assert client.put(url(campaign), BODY, format="json").status_code == 404
    assert client.delete(url(campaign)).status_code == 404
    assert (
        client.post(url(campaign, "pick-winner"), {"variant": 1}, format="json").status_code == 404
    )
    assert Delivery.objects.filter(status=DeliveryStatus.WAITING).exists()


def test_a_variant_cannot_send_another_workspaces_message(owner, other_owner, api):
    campaign = CampaignFactory(workspace=owner.workspace)
    foreign = MessageFactory(workspace=other_owner.workspace)
    body = {**BODY, "variants": [{"subject": "A"}, {"message": foreign.pk}]}
    response = api(owner.user, owner.workspace).put(url(campaign), body, format="json")
    assert response.status_code == 400
    assert not Experiment.objects.exists()


def test_options_describe_the_actions(owner, api):
    campaign = CampaignFactory(workspace=owner.workspace)
    client = api(owner.user, owner.workspace)
    assert client.options(url(campaign, "pick-winner")).status_code == 200
    assert client.options(url(campaign)).status_code == 200
    assert client.options("/api/v1/campaigns/0/pick-winner/").status_code in (200, 404)
