"""A periodic campaign sends at its slots only, once per occurrence, whatever its start says.

Issue 13: a weekly campaign (Mon + Thu, 09:00 Europe/Berlin) whose start had
passed went out at approval (07:39 UTC) and again at its slot (08:00 UTC).
These tests drive the real scheduler tick (the Huey periodic task), the real
launch and the sandbox transport over a simulated week.
"""

import datetime as dt
from collections import Counter

import pytest
import time_machine

from postroom.accounts.roles import Role
from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.services import (
    campaign_decide,
    campaign_save,
    campaign_schedule,
    campaign_send_now,
    campaign_transition,
)
from postroom.campaigns.tasks import campaigns_dispatch
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import audience

pytestmark = pytest.mark.django_db
UTC = dt.UTC
MON, THU = 0, 3


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def weekly(owner):
    """Mon + Thu at 09:00 Berlin (08:00 UTC in winter), started two days ago, four subscribers."""

    def make(**fields):
        mailing_list, people = audience(owner.workspace, 4)
        defaults = {
            "start_at": at(2026, 12, 1, 8),
            "periodicity": "weekly",
            "weekdays": [MON, THU],
            "send_time": dt.time(9),
            "time_zone": "Europe/Berlin",
        }
        campaign = CampaignFactory(workspace=owner.workspace, **(defaults | fields))
        campaign.lists.add(mailing_list)
        return campaign, people

    return make


@pytest.fixture
def week(django_capture_on_commit_callbacks):
    """Tick the scheduler as the worker does (every minute; here every ten) until `until`."""

    def run(traveller, until):
        now = dt.datetime.now(tz=UTC)
        while now < until:
            now += dt.timedelta(minutes=10)
            traveller.move_to(now)
            with django_capture_on_commit_callbacks(execute=True):
                campaigns_dispatch.call_local()

    return run


def runs_of(campaign):
    return list(
        CampaignRun.objects.filter(campaign=campaign)
        .order_by("scheduled_for")
        .values_list("scheduled_for", flat=True)
    )


def deliveries_per_person(campaign):
    return Counter(Delivery.objects.filter(run__campaign=campaign).values_list("email", flat=True))


def test_approved_after_its_start_it_sends_at_each_slot_and_never_at_approval(
    owner, member, weekly, week, django_capture_on_commit_callbacks
):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    campaign, people = weekly()

    with time_machine.travel(at(2026, 12, 3, 7, 30), tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            campaign_schedule(actor=owner, campaign=campaign)
        traveller.move_to(at(2026, 12, 3, 7, 39))
        with django_capture_on_commit_callbacks(execute=True):
            campaign = campaign_decide(actor=approver, campaign=campaign, approve=True)
        assert campaign.next_run_at == at(2026, 12, 3, 8)

        week(traveller, at(2026, 12, 10, 12))

    assert runs_of(campaign) == [at(2026, 12, 3, 8), at(2026, 12, 7, 8), at(2026, 12, 10, 8)]
    assert deliveries_per_person(campaign) == {p.email: 3 for p in people}
    assert Delivery.objects.filter(run__campaign=campaign, status="sent").count() == 12


def test_scheduled_without_approval_it_waits_for_its_first_slot(owner, weekly, week):
    campaign, people = weekly()

    with time_machine.travel(at(2026, 12, 4, 10), tick=False) as traveller:
        campaign = campaign_schedule(actor=owner, campaign=campaign)
        assert (campaign.status, campaign.next_run_at) == (
            CampaignStatus.SCHEDULED,
            at(2026, 12, 7, 8),
        )

        week(traveller, at(2026, 12, 11, 10))

    assert runs_of(campaign) == [at(2026, 12, 7, 8), at(2026, 12, 10, 8)]
    assert deliveries_per_person(campaign) == {p.email: 2 for p in people}


def test_a_send_at_start_asked_for_goes_once_and_stands_for_that_days_slot(owner, weekly, week):
    campaign, people = weekly(send_at_start=True)

    with time_machine.travel(at(2026, 12, 3, 7, 39), tick=False) as traveller:
        campaign_schedule(actor=owner, campaign=campaign)

        week(traveller, at(2026, 12, 10, 12))

    # The start send on Thursday morning is Thursday's occurrence: no second one at 09:00.
    assert runs_of(campaign) == [at(2026, 12, 3, 7, 39), at(2026, 12, 7, 8), at(2026, 12, 10, 8)]
    assert deliveries_per_person(campaign) == {p.email: 3 for p in people}


def test_a_send_at_start_on_a_day_without_a_slot_adds_one_send(owner, weekly, week):
    campaign, people = weekly(send_at_start=True)

    with time_machine.travel(at(2026, 12, 1, 15), tick=False) as traveller:
        campaign_schedule(actor=owner, campaign=campaign)

        week(traveller, at(2026, 12, 8, 15))

    assert runs_of(campaign) == [at(2026, 12, 1, 15), at(2026, 12, 3, 8), at(2026, 12, 7, 8)]
    assert deliveries_per_person(campaign) == {p.email: 3 for p in people}


def test_a_future_start_with_send_at_start_sends_at_the_start(owner, weekly, week):
    campaign, people = weekly(send_at_start=True, start_at=at(2026, 12, 5, 14))

    with time_machine.travel(at(2026, 12, 1, 15), tick=False) as traveller:
        campaign = campaign_schedule(actor=owner, campaign=campaign)
        assert campaign.next_run_at == at(2026, 12, 5, 14)

        week(traveller, at(2026, 12, 8, 15))

    assert runs_of(campaign) == [at(2026, 12, 5, 14), at(2026, 12, 7, 8)]
    assert deliveries_per_person(campaign) == {p.email: 2 for p in people}


def test_send_now_just_before_a_slot_stands_for_that_slot(
    owner, weekly, week, django_capture_on_commit_callbacks
):
    campaign, people = weekly()

    with time_machine.travel(at(2026, 12, 3, 7, 50), tick=False) as traveller:
        campaign_schedule(actor=owner, campaign=campaign)
        with django_capture_on_commit_callbacks(execute=True):
            campaign_send_now(actor=owner, campaign=campaign)

        week(traveller, at(2026, 12, 8, 12))

    assert runs_of(campaign) == [at(2026, 12, 3, 7, 50), at(2026, 12, 7, 8)]
    assert deliveries_per_person(campaign) == {p.email: 2 for p in people}


def test_moving_the_time_after_todays_send_does_not_send_today_again(
    owner, weekly, week, django_capture_on_commit_callbacks
):
    campaign, people = weekly()

    with time_machine.travel(at(2026, 12, 3, 7, 30), tick=False) as traveller:
        campaign_schedule(actor=owner, campaign=campaign)
        week(traveller, at(2026, 12, 3, 8, 20))  # Thursday's 09:00 Berlin went out
        campaign_transition(actor=owner, campaign=campaign, action="pause")
        campaign.refresh_from_db()
        campaign_save(actor=owner, campaign=campaign, send_time=dt.time(10))
        with django_capture_on_commit_callbacks(execute=True):
            campaign = campaign_transition(actor=owner, campaign=campaign, action="resume")
        # Thursday has had its send: the next is Monday, at the new time.
        assert campaign.next_run_at == at(2026, 12, 7, 9)

        week(traveller, at(2026, 12, 8, 12))

    assert runs_of(campaign) == [at(2026, 12, 3, 8), at(2026, 12, 7, 9)]
    assert deliveries_per_person(campaign) == {p.email: 2 for p in people}
