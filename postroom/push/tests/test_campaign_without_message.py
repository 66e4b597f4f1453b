"""A push campaign names no email message: made, approved, cloned and archived without one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from postroom.accounts.models import Workspace
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns import services
from postroom.campaigns.models import Campaign, CampaignStatus, Channel, RunStatus
from postroom.content.models import Message
from postroom.content.tests.factories import MessageFactory
from postroom.push.models import CampaignCreative
from postroom.push.tests.campaigns import push_campaign
from postroom.push.tests.factories import CreativeFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_an_email_campaign_still_needs_its_message_in_the_app_and_the_api(login, api, owner):
    form = {
        "name": "News",
        "channel": "email",
        "message": "",
        "lists": [MailingListFactory(workspace=owner.workspace).pk],
        "time_zone": "UTC",
        "start_at": "2030-06-03T09:00",
        "periodicity": "once",
        "priority": 0,
    }
    with translation.override("en"):
        page = login(owner.user).post(reverse("campaign_create"), form)
        answer = api(owner.user).post(
            "/api/v1/campaigns/",
            {"name": "News", "start_at": "2030-06-01T09:00:00Z"},
            format="json",
        )

    assert page.status_code == 200 and b"An email campaign needs a message." in page.content
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["message"] == ["An email campaign needs a message."]
    assert not Campaign.objects.exists()


def test_the_form_shows_the_message_for_email_and_the_creative_for_push(login, owner):
    page = login(owner.user).get(reverse("campaign_create")).content.decode()

    assert 'id="message-field" data-channel="email"' in page
    assert 'id="creative-field" data-channel="push"' in page
    assert "js/campaign-channel.js" in page


def test_a_push_campaign_keeps_no_message_even_when_one_is_given(owner):
    message = MessageFactory(workspace=owner.workspace)
    campaign = services.campaign_save(
        actor=owner,
        name="Sale",
        channel=Channel.PUSH,
        message=message,
        creative=CreativeFactory(workspace=owner.workspace).pk,
        start_at=START,
    )

    assert campaign.message is None
    message.delete()  # nothing protects it: no campaign sends it


def test_a_push_campaign_is_approved_without_a_link_check_and_cloned_without_a_message(owner):
    Workspace.objects.filter(pk=owner.workspace_id).update(campaigns_need_approval=True)
    owner.workspace.refresh_from_db()
    creative = CreativeFactory(workspace=owner.workspace)
    campaign = services.campaign_save(
        actor=owner,
        name="Sale",
        channel=Channel.PUSH,
        creative=creative.pk,
        start_at=START,
        lists=[MailingListFactory.create(workspace=owner.workspace)],
    )

    pending = services.campaign_schedule(actor=owner, campaign=campaign)
    approved = services.campaign_decide(actor=owner, campaign=campaign, approve=True)
    clone = services.campaign_clone(actor=owner, campaign=campaign)

    assert pending.status == CampaignStatus.PENDING_APPROVAL
    assert approved.status == CampaignStatus.SCHEDULED
    assert clone.message is None and clone.channel == Channel.PUSH
    assert CampaignCreative.objects.get(campaign=clone).creative == creative
    assert not Message.objects.exists()


def test_the_pages_of_a_push_campaign_without_a_message_open(
    login, owner, client, django_user_model
):
    from django.contrib.auth.models import Group

    manager = django_user_model.objects.create_user(email="m@example.com", password="x")
    manager.groups.add(Group.objects.get(name="Manager"))
    campaign, _run, _people = push_campaign(owner.workspace, 1, message=None)
    client = login(owner.user)

    detail = client.get(reverse("campaign_detail", args=[campaign.pk]))
    experiment = client.get(reverse("experiment_edit", args=[campaign.pk]))
    staff = login(manager).get(reverse("staff_campaign_detail", args=[campaign.pk]))

    assert detail.status_code == 200 and b'id="campaign-creative"' in detail.content
    assert experiment.status_code == 200
    assert staff.status_code == 200


def test_a_sent_push_campaign_is_not_in_its_lists_public_archive(owner, client):
    campaign, run, _people = push_campaign(owner.workspace, 1, message=None)
    run.status = RunStatus.FINISHED
    run.started_at = START
    run.save()
    mailing_list = campaign.lists.get()
    mailing_list.public_archive = True
    mailing_list.save()
    archive = f"/l/{mailing_list.public_id}/archive/"

    assert client.get(archive).status_code == 200
    assert client.get(f"{archive}{campaign.pk}/").status_code == 404


def test_a_dry_run_of_a_push_campaign_counts_its_audience(owner):
    import io

    from django.core.management import call_command

    from postroom.push.models import DeviceKind
    from postroom.push.tests.factories import DeviceFactory

    campaign, _run, people = push_campaign(owner.workspace, 2, message=None)
    for person in people:
        DeviceFactory(workspace=owner.workspace, subscriber=person, kind=DeviceKind.FCM)
    out = io.StringIO()

    call_command("send_campaign", str(campaign.pk), "--dry-run", stdout=out)

    assert ": 2 recipients" in out.getvalue()
