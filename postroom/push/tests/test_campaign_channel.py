"""A push campaign is made in the app and the API with its creative; another workspace's is refused."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns import services
from postroom.campaigns.models import Campaign, CampaignStatus, Channel
from postroom.campaigns.services.approval import campaign_fingerprint
from postroom.content.tests.factories import MessageFactory
from postroom.push.models import CampaignCreative
from postroom.push.services.creatives import creative_delete
from postroom.push.tests.factories import CreativeFactory

pytestmark = pytest.mark.django_db


def payload(owner, **fields):
    return {
        "name": "Flash sale",
        "channel": "push",
        "lists": [MailingListFactory(workspace=owner.workspace).pk],
        "start_at": "2030-06-01T09:00:00Z",
        **fields,
    }


def test_the_api_makes_a_push_campaign_with_its_creative_and_clones_it(api, owner):
    creative = CreativeFactory(workspace=owner.workspace)
    client = api(owner.user)

    created = client.post("/api/v1/campaigns/", payload(owner, creative=creative.pk), format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["channel"] == "push" and created.json()["creative"] == creative.pk
    clone = client.post(f"/api/v1/campaigns/{created.json()['id']}/clone/")
    assert clone.status_code == 201
    assert CampaignCreative.objects.get(campaign_id=clone.json()["id"]).creative == creative


def test_the_api_refuses_a_push_campaign_without_a_creative_or_with_anothers(
    api, owner, other_owner
):
    theirs = CreativeFactory(workspace=other_owner.workspace)
    client = api(owner.user)

    with translation.override("en"):
        missing = client.post("/api/v1/campaigns/", payload(owner), format="json")
        foreign = client.post(
            "/api/v1/campaigns/", payload(owner, creative=theirs.pk), format="json"
        )
        unknown = client.post("/api/v1/campaigns/", payload(owner, channel="fax"), format="json")

    assert missing.status_code == 400
    assert missing.json()["error"]["fields"]["creative"] == ["A push campaign needs a creative."]
    assert foreign.status_code == 400
    assert foreign.json()["error"]["fields"]["creative"] == ["Unknown creative."]
    assert unknown.status_code == 400 and "channel" in unknown.json()["error"]["fields"]
    assert not Campaign.objects.exists()


def test_an_email_campaign_through_the_api_is_as_before(api, owner):
    response = api(owner.user).post(
        "/api/v1/campaigns/",
        payload(owner, channel="email", message=MessageFactory(workspace=owner.workspace).pk),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["channel"] == "email" and response.json()["creative"] is None
    assert not CampaignCreative.objects.exists()


def test_the_app_form_makes_a_push_campaign_and_refuses_anothers_creative(
    login, owner, other_owner
):
    mine = CreativeFactory(workspace=owner.workspace, name="Mine")
    theirs = CreativeFactory(workspace=other_owner.workspace, name="Theirs")
    client = login(owner.user)
    form = {
        "name": "Flash",
        "channel": "push",
        "message": "",  # hidden for push: nothing chosen
        "lists": [MailingListFactory(workspace=owner.workspace).pk],
        "time_zone": "UTC",
        "start_at": "2030-06-03T09:00",
        "periodicity": "once",
        "priority": 0,
    }

    page = client.get(reverse("campaign_create"))
    with translation.override("en"):
        refused = client.post(reverse("campaign_create"), {**form, "creative": theirs.pk})
        missing = client.post(reverse("campaign_create"), form)
    assert not Campaign.objects.exists()
    saved = client.post(reverse("campaign_create"), {**form, "creative": mine.pk})

    assert b"Mine" in page.content and b"Theirs" not in page.content
    assert refused.status_code == 200
    assert b"A push campaign needs a creative." in missing.content
    assert saved.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.channel == Channel.PUSH
    assert CampaignCreative.objects.get(campaign=campaign).creative == mine
    detail = client.get(reverse("campaign_detail", args=[campaign.pk]))
    assert b'id="campaign-creative">Mine<' in detail.content
    assert b"Push" in client.get(reverse("campaign_list")).content


def test_approval_covers_the_creative(owner):
    creative = CreativeFactory(workspace=owner.workspace)
    campaign = services.campaign_save(
        actor=owner,
        name="x",
        channel="push",
        creative=creative.pk,
        start_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    before = campaign_fingerprint(campaign)

    creative.title = "Something else"
    creative.save()

    assert campaign_fingerprint(campaign) != before
    assert campaign.status == CampaignStatus.DRAFT


def test_a_creative_a_campaign_sends_cannot_be_deleted(owner):
    creative = CreativeFactory(workspace=owner.workspace)
    services.campaign_save(
        actor=owner,
        name="x",
        channel="push",
        creative=creative.pk,
        start_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )

    with pytest.raises(Exception, match="cannot be deleted"):
        creative_delete(creative=creative)


def test_the_api_lists_push_campaigns_with_their_creatives_in_a_fixed_number_of_queries(api, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    creative = CreativeFactory(workspace=owner.workspace)
    client = api(owner.user)

    def listed() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get("/api/v1/campaigns/")
        return len(queries), answer.json()["results"]

    client.post("/api/v1/campaigns/", payload(owner, creative=creative.pk), format="json")
    one, _results = listed()
    for n in range(4):
        client.post(
            "/api/v1/campaigns/", payload(owner, name=f"x{n}", creative=creative.pk), format="json"
        )
    five, results = listed()

    assert [r["creative"] for r in results] == [creative.pk] * 5
    assert five == one


def test_a_patch_answers_with_the_new_creative(api, owner):
    first, second = (
        CreativeFactory(workspace=owner.workspace),
        CreativeFactory(workspace=owner.workspace),
    )
    client = api(owner.user)
    created = client.post("/api/v1/campaigns/", payload(owner, creative=first.pk), format="json")

    changed = client.patch(
        f"/api/v1/campaigns/{created.json()['id']}/", {"creative": second.pk}, format="json"
    )

    assert changed.status_code == 200
    assert changed.json()["creative"] == second.pk
    assert client.get(f"/api/v1/campaigns/{created.json()['id']}/").json()["creative"] == second.pk
