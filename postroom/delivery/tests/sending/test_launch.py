"""A due run becomes exactly one delivery per eligible recipient, with send windows per time zone."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.audience.models import SubscriberStatus, Subscription, SubscriptionStatus, Suppression
from postroom.campaigns.models import CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.claims import deliveries_claim, leases_reclaim
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import audience

pytestmark = pytest.mark.django_db


def make_run(workspace, mailing_list, **fields):
    campaign = CampaignFactory(workspace=workspace, status=CampaignStatus.RUNNING, **fields)
    campaign.lists.add(mailing_list)
    return CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())


def test_the_audience_minus_unsubscribed_suppressed_and_blocklisted(owner):
    mailing_list, people = audience(owner.workspace, 6)
    Subscription.objects.filter(subscriber=people[0]).update(status=SubscriptionStatus.UNSUBSCRIBED)
    Subscription.objects.filter(subscriber=people[1]).update(status=SubscriptionStatus.UNCONFIRMED)
    Suppression.objects.create(workspace=owner.workspace, email=people[2].email, reason="manual")
    people[3].status = SubscriberStatus.BLOCKLISTED
    people[3].save()
    run = make_run(owner.workspace, mailing_list)

    assert run_launch(run.pk) == 2
    assert run_launch(run.pk) == 0  # launched once only

    run.refresh_from_db()
    assert (run.status, run.recipients) == (RunStatus.SENDING, 2)
    assert sorted(Delivery.objects.values_list("email", flat=True)) == [
        people[4].email,
        people[5].email,
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.QUEUED}


def test_another_workspaces_subscribers_never_get_in(owner, other_owner):
    mailing_list, _ = audience(owner.workspace, 2)
    audience(other_owner.workspace, 3, prefix="other")
    run = make_run(owner.workspace, mailing_list)

    run_launch(run.pk)

    assert Delivery.objects.filter(email__startswith="other").count() == 0


def test_each_recipient_waits_for_the_window_in_their_own_time_zone(owner):
    mailing_list, people = audience(owner.workspace, 3)
    for person, zone in zip(people, ["Europe/Moscow", "America/New_York", ""], strict=True):
        person.time_zone = zone
        person.save()
    # The window is 09:00-11:00 local; 12:00 UTC is 15:00 in Moscow (past it), 08:00 in
    # New York (before it) and 12:00 in UTC, the zone of whoever has none (past it).
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        run = make_run(
            owner.workspace, mailing_list, window_start=dt.time(9), window_end=dt.time(11)
        )
        run_launch(run.pk)

    due = dict(Delivery.objects.values_list("email", "next_attempt_at"))
    assert due[people[0].email] == dt.datetime(2026, 6, 2, 6, tzinfo=dt.UTC)  # 09:00 Moscow
    assert due[people[1].email] == dt.datetime(2026, 6, 1, 13, tzinfo=dt.UTC)  # 09:00 New York
    assert due[people[2].email] == dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC)  # UTC


def test_claims_never_overlap_and_a_dead_workers_lease_comes_back(owner):
    mailing_list, _ = audience(owner.workspace, 10)
    run = make_run(owner.workspace, mailing_list)
    run_launch(run.pk)

    first = deliveries_claim(run_id=run.pk, owner="a", size=6, lease_seconds=60)
    second = deliveries_claim(run_id=run.pk, owner="b", size=6, lease_seconds=60)

    assert len(first) == 6 and len(second) == 4
    assert not {c.id for c in first} & {c.id for c in second}
    assert deliveries_claim(run_id=run.pk, owner="c", size=6, lease_seconds=60) == []
    assert leases_reclaim() == {}  # leases still valid
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert leases_reclaim() == {run.pk: {"a", "b"}}
        again = deliveries_claim(run_id=run.pk, owner="c", size=20, lease_seconds=60)
    assert len(again) == 10
    assert set(Delivery.objects.values_list("reclaimed", flat=True)) == {1}


def test_a_send_window_with_nobody_to_send_to_launches_empty(owner):
    mailing_list, _ = audience(owner.workspace, 0)
    run = make_run(owner.workspace, mailing_list, window_start=dt.time(9), window_end=dt.time(11))

    assert run_launch(run.pk) == 0
    run.refresh_from_db()
    assert run.status == RunStatus.SENDING
