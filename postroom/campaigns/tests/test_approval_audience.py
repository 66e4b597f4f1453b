"""What an approver approved includes who receives it: widening the audience needs approval again."""

import datetime as dt
import json

import pytest
import time_machine

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import SegmentFactory, SubscriberFactory
from postroom.campaigns.dispatch import campaigns_dispatch_due
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.services import campaign_decide, campaign_schedule
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NARROW = {
    "match": "all",
    "conditions": [{"type": "field", "field": "email", "op": "ends_with", "value": "@vip.example"}],
}
EVERYONE = {"match": "all", "conditions": []}
NOBODY = {
    "match": "all",
    "conditions": [{"type": "field", "field": "email", "op": "ends_with", "value": "@nowhere"}],
}


@pytest.fixture
def approved(owner, member, django_capture_on_commit_callbacks):
    """A campaign for a narrow segment, approved, due on 5 June."""
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    SubscriberFactory(workspace=owner.workspace, email="ann@vip.example")
    SubscriberFactory(workspace=owner.workspace, email="bob@example.com")
    segment = SegmentFactory(workspace=owner.workspace, definition=NARROW)
    exclusion = SegmentFactory(
        workspace=owner.workspace,
        definition={
            "match": "all",
            "conditions": [
                {"type": "field", "field": "email", "op": "starts_with", "value": "bob@"}
            ],
        },
    )
    campaign = CampaignFactory(
        workspace=owner.workspace,
        segment=segment,
        exclude_segment=exclusion,
        start_at=dt.datetime(2026, 6, 5, 9, tzinfo=UTC),
    )
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            campaign_schedule(actor=owner, campaign=campaign)
        campaign = campaign_decide(actor=approver, campaign=campaign, approve=True)
    assert campaign.status == CampaignStatus.SCHEDULED
    return campaign, approver


def _tick(django_capture_on_commit_callbacks):
    with (
        time_machine.travel(dt.datetime(2026, 6, 5, 9, 0, 30, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        campaigns_dispatch_due()


def test_it_sends_an_unchanged_approved_audience(approved, django_capture_on_commit_callbacks):

    _tick(django_capture_on_commit_callbacks)

    assert list(Delivery.objects.values_list("email", flat=True)) == ["ann@vip.example"]


def test_it_sends_nothing_after_the_segment_was_widened(
    approved, django_capture_on_commit_callbacks
):
    campaign, _approver = approved
    # given a marketer who may edit segments widens the approved one to everyone
    campaign.segment.definition = EVERYONE
    campaign.segment.save()

    # when the scheduler ticks
    _tick(django_capture_on_commit_callbacks)

    # then the campaign needs approval again and nobody got it
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL
    assert campaign.approved_fingerprint == ""
    assert campaign.events.filter(action="reset").exists()
    assert not Delivery.objects.exists()


def test_it_sends_nothing_after_the_exclusion_segment_was_narrowed(
    approved, django_capture_on_commit_callbacks
):
    campaign, _approver = approved
    campaign.exclude_segment.definition = NOBODY
    campaign.exclude_segment.save()

    _tick(django_capture_on_commit_callbacks)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL
    assert not Delivery.objects.exists()


def test_it_sends_the_widened_audience_once_approved_again(
    approved, django_capture_on_commit_callbacks
):
    campaign, approver = approved
    campaign.segment.definition = EVERYONE
    campaign.segment.save()
    campaign.exclude_segment.definition = NOBODY
    campaign.exclude_segment.save()
    _tick(django_capture_on_commit_callbacks)

    with (
        time_machine.travel(dt.datetime(2026, 6, 5, 10, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        campaign_decide(actor=approver, campaign=campaign, approve=True)

    assert sorted(Delivery.objects.values_list("email", flat=True)) == [
        "ann@vip.example",
        "bob@example.com",
    ]


def test_widening_the_segment_in_the_app_needs_approval_at_once(approved, owner, login):
    campaign, _approver = approved

    response = login(owner.user).post(
        f"/app/segments/{campaign.segment.pk}/",
        {"name": "Everyone now", "description": "", "definition": json.dumps(EVERYONE)},
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL


def test_changing_an_exclusion_segment_over_the_api_needs_approval_at_once(approved, owner, api):
    campaign, _approver = approved

    response = api(owner.user).patch(
        f"/api/v1/segments/{campaign.exclude_segment.pk}/", {"definition": NOBODY}, format="json"
    )

    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL


def test_renaming_a_segment_keeps_the_approval(approved, owner, api):
    campaign, _approver = approved

    api(owner.user).patch(
        f"/api/v1/segments/{campaign.segment.pk}/", {"name": "VIPs"}, format="json"
    )

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED


def test_campaigns_approved_under_the_old_fingerprint_stay_approved(
    approved, django_capture_on_commit_callbacks
):
    from importlib import import_module

    from django.apps import apps

    from postroom.campaigns.models import Campaign

    # given a campaign approved before the fingerprint held definitions (an old value)
    campaign, _approver = approved
    Campaign.objects.filter(pk=campaign.pk).update(approved_fingerprint="0" * 64)

    # when the upgrade's migration runs, then the scheduler ticks
    import_module(
        "postroom.campaigns.migrations.0006_approvals_hold_audience_definitions"
    ).forwards(apps, None)
    _tick(django_capture_on_commit_callbacks)

    # then it went out as approved, without asking again
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.PENDING_APPROVAL
    assert Delivery.objects.filter(run__campaign=campaign).count() == 1
