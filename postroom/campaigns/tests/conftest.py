"""Fixtures shared by the campaign tests."""

import datetime as dt

import pytest

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.services import campaign_decide, campaign_schedule
from postroom.campaigns.tests.factories import CampaignFactory


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def campaign(owner):
    """A draft to one list, starting 2030-06-01 09:00 UTC (a module may define its own)."""
    c = CampaignFactory(workspace=owner.workspace, start_at=at(2030, 6, 1, 9))
    c.lists.add(MailingListFactory(workspace=owner.workspace))
    return c


@pytest.fixture
def approved(owner, member, campaign, django_capture_on_commit_callbacks):
    """`campaign`, in a workspace that needs approval, submitted and approved."""
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(actor=owner, campaign=campaign)
    return campaign_decide(actor=approver, campaign=campaign, approve=True)
