"""The bandit: each wave's allocation follows the results so far, and carries over to the next run."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.claims import deliveries_claim
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import relay_for
from postroom.experiments.draw import BUCKETS
from postroom.experiments.models import Mode, Phase, Round, Wave
from postroom.experiments.services import rounds_step_due
from postroom.experiments.tests.factories import experiment_campaign, run_of
from postroom.tracking.hits import hit_make
from postroom.tracking.ingest import hits_ingest

pytestmark = pytest.mark.django_db

THREE = ("Two percent", "Two point four", "Three percent")


def shares(wave):
    return {int(k): v for k, v in wave.shares.items()}


def test_the_allocation_moves_toward_the_best_variant(owner, smtp_server):
    # given a bandit over three subject lines, its first wave sent
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(
        owner.workspace, 600, variants=THREE, mode=Mode.BANDIT, wave_percent=10, wave_minutes=30
    )
    run = run_of(campaign)
    run_launch(run.pk)
    first = Wave.objects.get()
    assert all(0.2 < share < 0.47 for share in shares(first).values())  # nothing known yet
    run_send(run.pk)
    sent = Delivery.objects.filter(run=run, status=DeliveryStatus.SENT)
    assert 30 < sent.count() < 90
    # and only the third variant's recipients click
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=10)):
        hits_ingest([hit_make("click", d.pk) for d in sent.filter(variant=3)])
    # when the next wave is due
    with time_machine.travel(start + dt.timedelta(minutes=31)):
        released = rounds_step_due()
    # then it goes mostly to the third (so sure that no floor is kept for the others)
    second = Wave.objects.order_by("-id").first()
    assert released > 0 and second.kind == "bandit"
    assert shares(second)[3] > 0.8
    assert second.bucket_from == first.bucket_to
    round_ = Round.objects.get(run=run)
    assert round_.phase == Phase.WAVES
    assert round_.next_step_at is not None
    assert round_.next_step_at > start + dt.timedelta(minutes=31)


def test_the_waves_end_when_everyone_has_a_variant(owner):
    campaign, _, _ = experiment_campaign(
        owner.workspace, 100, mode=Mode.BANDIT, wave_percent=25, wave_minutes=10
    )
    run = run_of(campaign)
    run_launch(run.pk)
    now = timezone.now()
    for step in range(1, 5):
        with time_machine.travel(now + dt.timedelta(minutes=11 * step)):
            rounds_step_due()
    round_ = Round.objects.get(run=run)
    assert round_.phase == Phase.DECIDED
    # everyone is released; a worker's claim gives each waiting row its variant
    assert round_.released_to == BUCKETS
    claimed = deliveries_claim(run_id=run.pk, owner="w", size=1000, lease_seconds=60)
    assert len(claimed) == 100 and None not in {c.variant for c in claimed}
    assert Delivery.objects.filter(run=run, variant__isnull=True).count() == 0


def test_a_periodic_campaign_starts_its_next_run_from_what_it_learnt(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(
        owner.workspace, 300, variants=THREE, mode=Mode.BANDIT, wave_percent=25
    )
    first_run = run_of(campaign)
    run_launch(first_run.pk)
    run_send(first_run.pk)
    sent = Delivery.objects.filter(run=first_run, status=DeliveryStatus.SENT, variant=3)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        hits_ingest([hit_make("click", d.pk) for d in sent])

    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        second_run = run_of(campaign)
        run_launch(second_run.pk)

    opening = Wave.objects.get(round__run=second_run)
    assert shares(opening)[3] > 0.8
