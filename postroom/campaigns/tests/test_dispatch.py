"""Campaigns start by themselves at the right time; time moves with time-machine."""

import datetime as dt

import pytest
import time_machine

from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.dispatch import campaigns_dispatch_due
from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.services import campaign_schedule
from postroom.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def campaign(owner):
    def make(**fields):
        c = CampaignFactory(workspace=owner.workspace, **fields)
        c.lists.add(MailingListFactory(workspace=owner.workspace))
        return c

    return make


def test_a_campaign_inside_its_window_starts_right_away(owner, campaign):
    c = campaign(start_at=at(2026, 6, 1, 9), end_at=at(2026, 6, 2, 9))

    with time_machine.travel(at(2026, 6, 1, 12), tick=False):
        campaign_schedule(actor=owner, campaign=c)
        runs = campaigns_dispatch_due()

    assert [r.scheduled_for for r in runs] == [at(2026, 6, 1, 12)]


def test_a_future_campaign_starts_by_itself_at_its_time(
    owner, campaign, django_capture_on_commit_callbacks
):
    c = campaign(start_at=at(2026, 6, 5, 9))
    with time_machine.travel(at(2026, 6, 1), tick=False):
        campaign_schedule(actor=owner, campaign=c)

    with time_machine.travel(at(2026, 6, 5, 8, 59), tick=False):
        assert campaigns_dispatch_due() == []
    with time_machine.travel(at(2026, 6, 5, 9, 0, 30), tick=False):
        with django_capture_on_commit_callbacks() as launches:
            runs = campaigns_dispatch_due()
        c.refresh_from_db()
        assert [r.scheduled_for for r in runs] == [at(2026, 6, 5, 9)]
        # Running until its run has sent (here to nobody: the list is empty).
        assert c.status == CampaignStatus.RUNNING
        for launch in launches:
            launch()

    c.refresh_from_db()
    assert c.status == CampaignStatus.FINISHED


def test_a_daily_campaign_runs_each_day_until_its_end(
    owner, campaign, django_capture_on_commit_callbacks
):
    c = campaign(start_at=at(2026, 6, 1, 9), end_at=at(2026, 6, 3, 23), periodicity="daily")
    with time_machine.travel(at(2026, 5, 31), tick=False):
        campaign_schedule(actor=owner, campaign=c)

    for day in range(1, 6):
        with (
            time_machine.travel(at(2026, 6, day, 9, 0, 10), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            campaigns_dispatch_due()

    c.refresh_from_db()
    assert list(
        CampaignRun.objects.order_by("scheduled_for").values_list("scheduled_for", flat=True)
    ) == [
        at(2026, 6, 1, 9),
        at(2026, 6, 2, 9),
        at(2026, 6, 3, 9),
    ]
    assert c.status == CampaignStatus.FINISHED


def test_two_schedulers_never_create_the_same_run(owner, campaign):
    c = campaign(start_at=at(2026, 6, 1, 9), periodicity="daily")
    with time_machine.travel(at(2026, 5, 31), tick=False):
        campaign_schedule(actor=owner, campaign=c)

    with time_machine.travel(at(2026, 6, 1, 9, 1), tick=False):
        campaigns_dispatch_due()
        campaigns_dispatch_due()

    assert CampaignRun.objects.count() == 1


def test_missed_occurrences_are_not_replayed_in_a_burst(owner, campaign):
    c = campaign(start_at=at(2026, 6, 1, 9), periodicity="daily")
    with time_machine.travel(at(2026, 5, 31), tick=False):
        campaign_schedule(actor=owner, campaign=c)

    with time_machine.travel(at(2026, 6, 5, 12), tick=False):
        campaigns_dispatch_due()

    c.refresh_from_db()
    assert CampaignRun.objects.count() == 1
    assert c.next_run_at == at(2026, 6, 6, 9)


def test_paused_disabled_and_draft_campaigns_do_not_run(owner, campaign):
    paused = campaign(start_at=at(2026, 6, 1, 9))
    draft = campaign(start_at=at(2026, 6, 1, 9))
    with time_machine.travel(at(2026, 5, 31), tick=False):
        campaign_schedule(actor=owner, campaign=paused)
    paused.status = CampaignStatus.PAUSED
    paused.save()

    with time_machine.travel(at(2026, 6, 2), tick=False):
        assert campaigns_dispatch_due() == []
    assert draft.status == CampaignStatus.DRAFT
