import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import UserFactory
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.models import Campaign, CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.models import Message
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_message_and_campaign_pages_render(login, owner):
    client = login(owner.user)
    campaign = CampaignFactory(workspace=owner.workspace)
    for url in (
        reverse("message_list"),
        reverse("message_create"),
        reverse("message_edit", args=[campaign.message_id]),
        reverse("message_preview", args=[campaign.message_id]),
        reverse("content_library"),
        reverse("campaign_list"),
        reverse("campaign_create"),
        reverse("campaign_detail", args=[campaign.pk]),
        reverse("campaign_edit", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_a_message_with_a_broken_template_is_refused_with_its_position(login, owner):
    response = login(owner.user).post(
        reverse("message_create"),
        {
            "name": "x",
            "subject": "Hi",
            "from_email": "a@example.com",
            "body_format": "html",
            "body": "<p>\n{% for %}</p>",
        },
    )

    assert response.status_code == 200
    assert "Line 2, column 1" in str(response.context["form"].errors)
    assert not Message.objects.exists()


def test_the_preview_renders_as_a_chosen_subscriber(login, owner):
    from postroom.audience.tests.factories import SubscriberFactory

    message = MessageFactory(workspace=owner.workspace)
    ann = SubscriberFactory(workspace=owner.workspace, full_name="Ann Lee")

    response = login(owner.user).get(
        reverse("message_preview", args=[message.pk]), {"subscriber": ann.pk, "width": "mobile"}
    )

    assert b"Hello Ann" in response.content and b"width: 375px" in response.content
    assert b"sandbox" in response.content


def test_creating_and_scheduling_a_campaign_in_the_app(login, owner):
    message = MessageFactory(workspace=owner.workspace)
    the_list = MailingListFactory(workspace=owner.workspace)
    client = login(owner.user)

    client.post(
        reverse("campaign_create"),
        {
            "name": "Weekly",
            "message": message.pk,
            "lists": [the_list.pk],
            "time_zone": "Europe/Berlin",
            "start_at": "2030-06-03T09:00",
            "periodicity": "weekly",
            "weekdays": ["0", "3"],
            "send_time": "09:00",
            "priority": 0,
        },
    )
    campaign = Campaign.objects.get()
    client.post(reverse("campaign_action", args=[campaign.pk, "schedule"]))

    campaign.refresh_from_db()
    assert campaign.start_at.isoformat() == "2030-06-03T07:00:00+00:00"
    assert campaign.status == CampaignStatus.SCHEDULED and campaign.weekdays == [0, 3]


def test_approval_in_the_app(login, owner, member, django_capture_on_commit_callbacks):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))
    with django_capture_on_commit_callbacks(execute=True):
        login(owner.user).post(reverse("campaign_action", args=[campaign.pk, "schedule"]))

    client = login(approver.user)
    client.post(reverse("workspace_switch"), {"workspace": owner.workspace_id})
    page = client.get(reverse("campaign_detail", args=[campaign.pk]))
    client.post(reverse("campaign_action", args=[campaign.pk, "approve"]), {"comment": "Fine"})

    campaign.refresh_from_db()
    assert b"decision-form" in page.content
    assert campaign.status == CampaignStatus.SCHEDULED


def test_a_viewer_cannot_change_campaigns_or_messages(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace)
    client = login(viewer.user)
    client.post(reverse("workspace_switch"), {"workspace": owner.workspace_id})

    assert (
        client.post(reverse("campaign_edit", args=[campaign.pk]), {"name": "x"}).status_code == 403
    )
    assert (
        client.post(reverse("message_edit", args=[campaign.message_id]), {"name": "x"}).status_code
        == 403
    )
    client.post(reverse("campaign_action", args=[campaign.pk, "cancel"]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_another_workspaces_campaigns_and_messages_are_not_found(login, owner, other_owner):
    theirs = CampaignFactory(workspace=other_owner.workspace)
    client = login(owner.user)

    for url in (
        reverse("campaign_detail", args=[theirs.pk]),
        reverse("campaign_edit", args=[theirs.pk]),
        reverse("message_edit", args=[theirs.message_id]),
        reverse("message_preview", args=[theirs.message_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("campaign_action", args=[theirs.pk, "cancel"])).status_code == 404


def test_a_manager_sees_every_campaign_and_disables_one_without_editing(login, owner, other_owner):
    manager = UserFactory()
    manager.groups.add(Group.objects.get(name="Manager"))
    mine, theirs = (
        CampaignFactory(workspace=owner.workspace),
        CampaignFactory(workspace=other_owner.workspace),
    )
    client = login(manager)

    listing = client.get(reverse("staff_campaign_list"))
    client.post(reverse("staff_campaign_toggle", args=[theirs.pk]), {"reason": "Phishing"})

    theirs.refresh_from_db()
    assert mine.name.encode() in listing.content and theirs.name.encode() in listing.content
    assert theirs.status == CampaignStatus.DISABLED and theirs.disabled_reason == "Phishing"
    assert client.get(reverse("campaign_edit", args=[theirs.pk])).status_code in (302, 404)


def test_the_owner_sees_why_a_campaign_was_disabled(login, owner):
    campaign = CampaignFactory(
        workspace=owner.workspace, status=CampaignStatus.DISABLED, disabled_reason="Spam reports"
    )

    page = login(owner.user).get(reverse("campaign_detail", args=[campaign.pk]))

    assert b"Spam reports" in page.content


def test_workspace_owners_cannot_reach_the_staff_campaign_pages(login, owner):
    assert login(owner.user).get(reverse("staff_campaign_list")).status_code == 403


def test_the_link_report_is_shown_and_can_be_rerun(
    login, owner, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, body="<p>No links here</p>")
    client = login(owner.user)

    before = client.get(reverse("message_links", args=[message.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("message_links", args=[message.pk]))
    after = client.get(reverse("message_links", args=[message.pk]))

    assert b"have not been checked" in before.content
    assert b"0 links checked" in after.content


def test_layouts_and_blocks_are_edited_in_the_library(login, owner):
    from postroom.content.models import ContentBlock
    from postroom.content.tests.factories import ContentBlockFactory

    block = ContentBlockFactory(workspace=owner.workspace, key="footer", html="<p>Old</p>")
    client = login(owner.user)

    page = client.get(reverse("library_edit", args=["block", block.pk]))
    broken = client.post(
        reverse("library_edit", args=["block", block.pk]),
        {"key": "footer", "name": "Footer", "kind": "footer", "html": "{% if %}"},
    )
    client.post(
        reverse("library_edit", args=["block", block.pk]),
        {"key": "footer", "name": "Footer", "kind": "footer", "html": "<p>New</p>"},
    )

    assert page.status_code == 200 and broken.status_code == 200
    assert ContentBlock.objects.get().html == "<p>New</p>"
