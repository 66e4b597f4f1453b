"""Released recipients wait for the campaign's send window in their own zone, and for their variant's time."""

import datetime as dt

import pytest
import time_machine

from postroom.audience.models import Subscriber
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.launch import run_launch
from postroom.experiments.models import Mode, Variant
from postroom.experiments.services import round_pick_winner
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db

NOON_UTC = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOON_UTC, tick=False)
def test_the_winner_waits_for_each_recipients_window(owner):
    # given a window of 09:00-10:00, recipients in Moscow (15:00 now) and New York (08:00 now)
    campaign, _, people = experiment_campaign(
        owner.workspace, 40, mode=Mode.MANUAL, test_percent=10
    )
    campaign.window_start, campaign.window_end = dt.time(9), dt.time(10)
    campaign.save()
    for index, person in enumerate(people):
        person.time_zone = "Europe/Moscow" if index % 2 else "America/New_York"
    Subscriber.objects.bulk_update(people, ["time_zone"])
    run = run_of(campaign)
    run_launch(run.pk)
    # when the owner picks the winner
    round_pick_winner(actor=owner, campaign=campaign, number=2)
    # then each released recipient waits for 09:00 in their own zone
    zones = dict(Subscriber.objects.values_list("pk", "time_zone"))
    expected = {
        "Europe/Moscow": dt.datetime(2026, 6, 2, 6, 0, tzinfo=dt.UTC),
        "America/New_York": dt.datetime(2026, 6, 1, 13, 0, tzinfo=dt.UTC),
    }
    released = Delivery.objects.filter(run=run, variant=2, status=DeliveryStatus.QUEUED)
    assert released.count() > 20
    for delivery in released:
        assert delivery.next_attempt_at == expected[zones[delivery.subscriber_id or 0]]


@time_machine.travel(NOON_UTC, tick=False)
def test_a_variant_with_its_own_time_waits_for_it(owner):
    campaign, experiment, _ = experiment_campaign(owner.workspace, 60, test_percent=100)
    campaign.time_zone = "Europe/Berlin"
    campaign.save()
    Variant.objects.filter(experiment=experiment, number=2).update(send_time=dt.time(18, 30))
    run = run_of(campaign)
    run_launch(run.pk)
    later = Delivery.objects.filter(run=run, variant=2)
    assert later.exists()
    assert set(later.values_list("next_attempt_at", flat=True)) == {
        dt.datetime(2026, 6, 1, 16, 30, tzinfo=dt.UTC)
    }
    assert set(
        Delivery.objects.filter(run=run, variant=1).values_list("next_attempt_at", flat=True)
    ) == {NOON_UTC}
