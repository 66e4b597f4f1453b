"""Holes found in review: each must stay closed."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.dispatch import campaigns_dispatch_due
from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.services import (
    campaign_clone,
    campaign_decide,
    campaign_disable,
    campaign_save,
    campaign_schedule,
)
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.services import block_save, message_save

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def campaign(owner):
    c = CampaignFactory(workspace=owner.workspace, start_at=at(2030, 6, 1, 9))
    c.lists.add(MailingListFactory(workspace=owner.workspace))
    return c


@pytest.fixture
def approved(owner, member, campaign, django_capture_on_commit_callbacks):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(actor=owner, campaign=campaign)
    return campaign_decide(actor=approver, campaign=campaign, approve=True)


def test_editing_the_message_of_a_running_campaign_needs_approval_again(owner, approved):
    approved.status = CampaignStatus.RUNNING
    approved.save()

    message_save(workspace=owner.workspace, message=approved.message, body="<p>Something else</p>")

    approved.refresh_from_db()
    assert approved.status == CampaignStatus.PENDING_APPROVAL


def test_editing_an_included_block_needs_approval_again(owner, approved):
    block = block_save(workspace=owner.workspace, key="footer", name="Footer", html="<p>v1</p>")
    message_save(workspace=owner.workspace, message=approved.message, body='{% include "footer" %}')
    approved.refresh_from_db()
    approved.approved_fingerprint = __import__(
        "postroom.campaigns.services", fromlist=["x"]
    ).campaign_fingerprint(approved)
    approved.status = CampaignStatus.SCHEDULED
    approved.save()

    block_save(workspace=owner.workspace, block=block, html="<p>v2</p>")

    approved.refresh_from_db()
    assert approved.status == CampaignStatus.PENDING_APPROVAL


def test_moving_the_start_of_a_scheduled_campaign_moves_its_next_run(owner, campaign):
    with time_machine.travel(at(2030, 5, 1), tick=False):
        campaign_schedule(actor=owner, campaign=campaign)
        campaign = campaign_save(actor=owner, campaign=campaign, start_at=at(2030, 7, 1, 9))

    assert campaign.next_run_at == at(2030, 7, 1, 9)


def test_a_stale_edit_does_not_revive_a_disabled_campaign(owner, campaign, django_user_model):
    from django.contrib.auth.models import Group

    manager = django_user_model.objects.create_user(email="m@example.com", password="x")
    manager.groups.add(Group.objects.get(name="Manager"))
    stale = type(campaign).objects.get(pk=campaign.pk)
    campaign_disable(
        by=django_user_model.objects.get(pk=manager.pk), campaign=campaign, reason="Phishing"
    )

    with pytest.raises(ValidationError):
        campaign_save(actor=owner, campaign=stale, name="Innocent")


def test_a_marketer_cannot_send(member, owner, campaign):
    marketer = member(Role.MARKETER, workspace=owner.workspace)

    with pytest.raises(PermissionDenied):
        campaign_schedule(actor=marketer, campaign=campaign)


def test_a_disabled_campaign_cannot_be_cloned(owner, campaign):
    campaign.status = CampaignStatus.DISABLED
    campaign.save()

    with pytest.raises(ValidationError):
        campaign_clone(actor=owner, campaign=campaign)


def test_no_late_run_after_the_end(owner, campaign):
    campaign.end_at = at(2030, 6, 3)
    campaign.periodicity = "daily"
    campaign.save()
    with time_machine.travel(at(2030, 5, 31), tick=False):
        campaign_schedule(actor=owner, campaign=campaign)

    with time_machine.travel(at(2030, 6, 20), tick=False):
        campaigns_dispatch_due()

    campaign.refresh_from_db()
    assert not CampaignRun.objects.exists()
    assert campaign.status == CampaignStatus.FINISHED


def test_a_periodic_campaign_inside_its_window_starts_at_once_only_when_asked(owner, campaign):
    # Issue 13 replaced "at once" by "at its slots" (a send at approval went out
    # twice with the slot); starting at once is now an explicit option.
    campaign.periodicity = "daily"
    campaign.send_at_start = True
    campaign.start_at = at(2030, 6, 1, 9)
    campaign.end_at = at(2030, 6, 1, 18)
    campaign.save()

    with time_machine.travel(at(2030, 6, 1, 12), tick=False):
        campaign = campaign_schedule(actor=owner, campaign=campaign)

    assert campaign.next_run_at == at(2030, 6, 1, 12)


def test_bad_weekdays_are_refused_whatever_the_periodicity(owner, campaign):
    with pytest.raises(ValidationError):
        campaign_save(actor=owner, campaign=campaign, periodicity="daily", weekdays=5)
