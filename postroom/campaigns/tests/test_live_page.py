"""The campaign page follows its sending without a reload, and every button says what it did."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import UserFactory
from postroom.audience.models import Subscriber, Subscription
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.models import CampaignStatus, RunStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import audience, launched_run

pytestmark = pytest.mark.django_db


def _said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _act(client, campaign, action, data=None):
    """The button's answer as the user sees it: on the page it leads to."""
    return client.post(
        reverse("campaign_action", args=[campaign.pk, action]), data or {}, follow=True
    )


def test_it_updates_status_buttons_and_runs_out_of_band_while_polled(login, owner):
    campaign, run, _ = launched_run(owner.workspace, 3)
    run.status = RunStatus.SENDING
    run.save()
    client = login(owner.user)
    url = reverse("campaign_progress", args=[campaign.pk])

    sending = client.get(url).content.decode()
    run_send(run.pk)
    finished = client.get(url).content.decode()

    assert 'id="campaign-status" data-status="running" hx-swap-oob="true">Running<' in sending
    assert 'data-run-status="sending"' in sending
    assert "Pause" in sending and "Send now" not in sending  # a run is sending: no second one
    assert 'data-status="finished" hx-swap-oob="true">Finished<' in finished
    assert 'id="campaign-actions" hx-swap-oob="true"' in finished
    assert 'data-run-status="finished"' in finished and "3 recipients" in finished
    assert "Pause" not in finished and "Cancel this campaign" not in finished
    assert 'hx-trigger="every 2s"' not in finished  # nothing left to follow: polling stops


def test_the_page_itself_has_no_out_of_band_parts(login, owner):
    campaign, _, _ = launched_run(owner.workspace, 1)
    page = login(owner.user).get(reverse("campaign_detail", args=[campaign.pk])).content.decode()

    assert 'id="campaign-status"' in page and "hx-swap-oob" not in page
    assert 'hx-trigger="every 2s"' in page


def test_a_viewer_polling_sees_no_buttons_and_other_workspaces_are_refused(
    login, owner, member, other_owner
):
    campaign, _, _ = launched_run(owner.workspace, 1)
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    client = login(viewer.user)
    client.post(reverse("workspace_switch"), {"workspace": owner.workspace_id}, follow=True)
    panel = client.get(reverse("campaign_progress", args=[campaign.pk])).content.decode()

    assert 'id="campaign-actions"' in panel and "Pause" not in panel and "Send now" not in panel
    assert (
        login(other_owner.user).get(reverse("campaign_progress", args=[campaign.pk])).status_code
        == 404
    )


def test_send_now_says_to_how_many_it_started(login, owner, django_capture_on_commit_callbacks):
    mailing_list, _ = audience(owner.workspace, 3)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(mailing_list)

    response = _act(login(owner.user), campaign, "send_now")

    assert _said(response) == ["Sending started to 3 recipients."]


def test_send_now_to_nobody_says_so(login, owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))

    assert _said(_act(login(owner.user), campaign, "send_now")) == [
        "Sending started, but the audience is empty: nobody will get it."
    ]


@time_machine.travel(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_schedule_pause_resume_and_cancel_say_what_happened(login, owner):
    campaign = CampaignFactory(
        workspace=owner.workspace, start_at=dt.datetime(2030, 6, 2, 9, tzinfo=dt.UTC)
    )
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))
    client = login(owner.user)

    scheduled = _said(_act(client, campaign, "schedule"))
    paused = _said(_act(client, campaign, "pause"))
    resumed = _said(_act(client, campaign, "resume"))
    cancelled = _said(_act(client, campaign, "cancel"))
    refused = _said(_act(client, campaign, "pause"))

    assert scheduled == ["Scheduled: the first run is on 2 Jun 2030, 09:00 UTC"]
    assert paused == ["Paused: nothing more is sent until you resume."]
    assert resumed == ["Resumed: the next run is on 2 Jun 2030, 09:00 UTC"]
    assert cancelled == ["Cancelled: the messages not sent yet will not be sent."]
    assert refused == ["Not possible while the campaign is Cancelled."]


def test_retry_failed_says_how_many_are_queued_again(login, owner):
    campaign, run, _ = launched_run(owner.workspace, 3)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.FAILED)

    assert _said(_act(login(owner.user), campaign, "retry_failed")) == [
        "3 failed recipients are queued again."
    ]


def test_approval_rejection_and_clone_say_what_happened(login, owner, member):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace, name="Spring")
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))
    client = login(owner.user)

    submitted = _said(_act(client, campaign, "send_now"))
    cloned = _said(_act(client, campaign, "clone"))
    client = login(approver.user)
    client.post(reverse("workspace_switch"), {"workspace": owner.workspace_id}, follow=True)
    rejected = _said(_act(client, campaign, "reject", {"comment": "Typo"}))

    assert submitted == ["The campaign needs approval: it is submitted, and sends once approved."]
    assert cloned == ["Copied as “Spring (copy)”, a new draft with its own copy of the message."]
    assert rejected == ["Rejected: the campaign is back to draft, and its author sees why."]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


@time_machine.travel(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_approval_says_when_the_campaign_runs(
    login, owner, member, django_capture_on_commit_callbacks
):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    campaign = CampaignFactory(
        workspace=owner.workspace, start_at=dt.datetime(2030, 6, 2, 9, tzinfo=dt.UTC)
    )
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _said(_act(login(owner.user), campaign, "schedule"))
    client = login(approver.user)
    client.post(reverse("workspace_switch"), {"workspace": owner.workspace_id}, follow=True)

    approved = _said(_act(client, campaign, "approve", {"comment": "Fine"}))

    assert submitted == ["Submitted for approval: it is scheduled once an approver approves it."]
    assert approved == ["Approved and scheduled: the next run is on 2 Jun 2030, 09:00 UTC"]


@pytest.mark.parametrize(("language", "said"), [("en", "1,200"), ("ru", "1\xa0200")])
def test_send_now_writes_the_number_as_the_users_language_does(login, owner, language, said):
    the_list = MailingListFactory(workspace=owner.workspace)
    people = Subscriber.objects.bulk_create(
        Subscriber(workspace=owner.workspace, email=f"p{i}@example.com") for i in range(1200)
    )
    Subscription.objects.bulk_create(
        Subscription(
            workspace=owner.workspace, subscriber=p, mailing_list=the_list, status="subscribed"
        )
        for p in people
    )
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(the_list)
    client = login(owner.user)
    client.cookies["django_language"] = language

    assert said in _said(_act(client, campaign, "send_now"))[0]


def test_platform_staff_disabling_and_enabling_are_confirmed(login, owner):
    manager = UserFactory()
    manager.groups.add(Group.objects.get(name="Manager"))
    campaign = CampaignFactory(workspace=owner.workspace)
    client = login(manager)
    toggle = reverse("staff_campaign_toggle", args=[campaign.pk])

    disabled = _said(client.post(toggle, {"reason": "Phishing"}, follow=True))
    enabled = _said(client.post(toggle, {"enable": "1"}, follow=True))

    assert disabled == ["Disabled: the campaign sends nothing more, and its owner sees why."]
    assert enabled == ["Enabled: the campaign is a draft again."]
