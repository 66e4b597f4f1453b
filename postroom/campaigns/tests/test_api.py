import pytest

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory
from postroom.campaigns.models import Campaign
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.models import Message
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

MESSAGE = {
    "name": "June news",
    "subject": "News for {{ subscriber.first_name | default('you') }}",
    "from_email": "news@example.com",
    "body": "<p>Hello {{ subscriber.full_name }}</p>",
}


def test_a_message_is_created_previewed_as_a_subscriber_and_refused_when_broken(api, owner):
    client = api(owner.user)
    ann = SubscriberFactory(workspace=owner.workspace, full_name="Ann Lee")

    created = client.post("/api/v1/messages/", MESSAGE, format="json")
    preview = client.get(f"/api/v1/messages/{created.json()['id']}/preview/?subscriber={ann.pk}")
    broken = client.post("/api/v1/messages/", {**MESSAGE, "body": "{% if %}"}, format="json")

    assert created.status_code == 201
    assert preview.json()["subject"] == "News for Ann" and "Hello Ann Lee" in preview.json()["html"]
    assert broken.status_code == 400 and "Line 1, column 1" in str(broken.json()["error"]["fields"])


def test_a_test_send_goes_to_the_given_addresses(api, owner, django_capture_on_commit_callbacks):
    from postroom.delivery.models import SandboxMessage

    message = MessageFactory(workspace=owner.workspace)

    with django_capture_on_commit_callbacks(execute=True):
        response = api(owner.user).post(
            f"/api/v1/messages/{message.pk}/test-send/", {"to": ["qa@example.com"]}, format="json"
        )

    assert response.status_code == 202
    # No relay configured: it lands in the workspace's sandbox.
    kept = SandboxMessage.objects.get(workspace=owner.workspace)
    assert kept.recipient == "qa@example.com" and kept.subject.startswith("[Test]")


def test_a_campaign_is_created_scheduled_and_cloned(api, owner):
    message = MessageFactory(workspace=owner.workspace)
    the_list = MailingListFactory(workspace=owner.workspace)
    client = api(owner.user)

    created = client.post(
        "/api/v1/campaigns/",
        {
            "name": "June",
            "message": message.pk,
            "lists": [the_list.pk],
            "start_at": "2030-06-01T09:00:00Z",
            "periodicity": "weekly",
            "weekdays": [0],
            "send_time": "11:00",
            "time_zone": "Europe/Berlin",
        },
        format="json",
    )
    scheduled = client.post(f"/api/v1/campaigns/{created.json()['id']}/schedule/")
    clone = client.post(f"/api/v1/campaigns/{created.json()['id']}/clone/")

    assert created.status_code == 201, created.json()
    assert scheduled.json()["status"] == "scheduled" and scheduled.json()["next_run_at"].startswith(
        "2030-06-03"
    )
    assert clone.status_code == 201 and clone.json()["status"] == "draft"


def test_foreign_messages_and_lists_cannot_be_used(api, owner, other_owner):
    theirs = MessageFactory(workspace=other_owner.workspace)
    their_list = MailingListFactory(workspace=other_owner.workspace)
    client = api(owner.user)

    response = client.post(
        "/api/v1/campaigns/",
        {
            "name": "x",
            "message": theirs.pk,
            "lists": [their_list.pk],
            "start_at": "2030-01-01T00:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_foreign_campaigns_and_messages_are_not_found(api, owner, other_owner):
    campaign = CampaignFactory(workspace=other_owner.workspace)
    client = api(owner.user)

    assert client.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert client.post(f"/api/v1/campaigns/{campaign.pk}/cancel/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/messages/{campaign.message_id}/", {"subject": "pwned"}, format="json"
        ).status_code
        == 404
    )
    assert Message.objects.get(pk=campaign.message_id).subject != "pwned"


def test_a_viewer_cannot_create_or_change_campaigns(api, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace)
    client = api(viewer.user, workspace=owner.workspace)

    assert client.get("/api/v1/campaigns/").json()["count"] == 1
    assert (
        client.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert client.post(f"/api/v1/campaigns/{campaign.pk}/cancel/").status_code == 403
    assert client.post("/api/v1/messages/", MESSAGE, format="json").status_code == 403


def test_a_viewer_can_preview_and_read_link_reports(
    api, owner, member, django_capture_on_commit_callbacks
):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    message = MessageFactory(workspace=owner.workspace)
    editor_client = api(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(f"/api/v1/messages/{message.pk}/check-links/").status_code == 202
    client = api(viewer.user, workspace=owner.workspace)

    assert client.get(f"/api/v1/messages/{message.pk}/preview/").status_code == 200
    assert client.get(f"/api/v1/messages/{message.pk}/links/").json()["status"] == "done"
    assert client.post(f"/api/v1/messages/{message.pk}/check-links/").status_code == 403


def test_a_platform_manager_disables_any_campaign_through_the_api(api, owner, other_owner):
    from django.contrib.auth.models import Group

    from postroom.accounts.tests.factories import UserFactory

    manager = UserFactory()
    manager.groups.add(Group.objects.get(name="Manager"))
    theirs = CampaignFactory(workspace=other_owner.workspace)

    listing = api(manager).get("/api/v1/staff/campaigns/")
    disabled = api(manager).post(
        f"/api/v1/staff/campaigns/{theirs.pk}/disable/", {"reason": "Phishing"}, format="json"
    )
    edit = api(manager).patch(f"/api/v1/staff/campaigns/{theirs.pk}/", {"name": "x"}, format="json")

    assert listing.json()["count"] == 1
    assert disabled.json()["status"] == "disabled"
    assert edit.status_code == 405


def test_workspace_owners_cannot_use_the_staff_api(api, owner):
    campaign = CampaignFactory(workspace=owner.workspace)

    assert api(owner.user).get("/api/v1/staff/campaigns/").status_code == 403
    assert (
        api(owner.user)
        .post(f"/api/v1/staff/campaigns/{campaign.pk}/disable/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
