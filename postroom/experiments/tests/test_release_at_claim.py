"""A release writes no recipient rows: the claim gives each waiting row its variant.

The winner's release to the rest of a million recipients was one UPDATE of
700,000 rows (20 s on PostgreSQL). Now the round's ranges say who is due,
and the claim that takes a row sets its variant from the waves' ranges, so a
release costs the same for ten recipients as for a million.
"""

import datetime as dt

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.claims import deliveries_claim
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import relay_for
from postroom.experiments.draw import bucket_ranges
from postroom.experiments.models import Experiment, Round, Wave
from postroom.experiments.services import round_pick_winner, rounds_step_due
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db


def test_a_winner_release_leaves_the_rows_waiting_until_a_worker_claims_them(owner, smtp_server):
    # given a manual test of 20 % whose test group went out
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 100, mode="manual", test_percent=20)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    waiting = Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING)
    rest = set(waiting.values_list("pk", flat=True))
    assert rest

    # when the owner picks B
    released = round_pick_winner(actor=owner, campaign=campaign, number=2)

    # then nothing was rewritten: the rest still waits, without a variant
    assert released == len(rest)
    assert set(waiting.values_list("pk", flat=True)) == rest
    assert set(waiting.values_list("variant", flat=True)) == {None}
    # and a claim takes them with B, in one statement
    claimed = deliveries_claim(run_id=run.pk, owner="w", size=1000, lease_seconds=60)
    assert {c.id for c in claimed} == rest
    assert {c.variant for c in claimed} == {2}
    assert set(Delivery.objects.filter(pk__in=rest).values_list("variant", flat=True)) == {2}


def test_bandit_waves_resolve_at_claim_with_their_own_shares(owner, smtp_server):
    # given a bandit whose first wave went out
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(
        owner.workspace, 400, mode="bandit", wave_percent=10, wave_minutes=30
    )
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    round_ = Round.objects.get(run=run)
    before = round_.released_to

    # when the next wave is due and released
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        rounds_step_due()
        wave = Wave.objects.filter(round=round_).latest("id")
        claimed = deliveries_claim(run_id=run.pk, owner="w", size=1000, lease_seconds=60)

    # then exactly the wave's range is claimed, each row with the variant its bucket falls in
    assert (wave.bucket_from, wave.bucket_to) == (
        before,
        Round.objects.get(pk=round_.pk).released_to,
    )
    numbers = sorted(int(n) for n in wave.shares)
    parts = bucket_ranges(wave.bucket_from, wave.bucket_to, [wave.shares[str(n)] for n in numbers])
    buckets = dict(
        Delivery.objects.filter(pk__in=[c.id for c in claimed]).values_list("pk", "bucket")
    )
    assert claimed
    for item in claimed:
        bucket = buckets[item.id]
        assert bucket is not None
        assert wave.bucket_from <= bucket < wave.bucket_to
        expected = next(
            n for (low, high), n in zip(parts, numbers, strict=True) if low <= bucket < high
        )
        assert item.variant == expected
    left = Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING)
    assert left.exists() and not left.filter(bucket__lt=wave.bucket_to).exists()


def test_a_window_or_a_variant_time_still_releases_row_by_row(owner, smtp_server):
    # given a manual test whose variant B waits for its own time of day
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 60, mode="manual", test_percent=20)
    experiment = Experiment.objects.get(campaign=campaign)
    experiment.variants.filter(number=2).update(send_time=dt.time(23, 59))
    run = run_of(campaign)
    run_launch(run.pk)

    # when B wins
    round_pick_winner(actor=owner, campaign=campaign, number=2)

    # then the rest is queued with B at B's time, not waiting
    rest = Delivery.objects.filter(run=run, variant=2, status=DeliveryStatus.QUEUED)
    assert not Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING).exists()
    assert rest.filter(next_attempt_at__gt=timezone.now()).count() == rest.count()


def test_the_reaper_finds_a_released_run_again_when_its_send_job_was_lost(owner, smtp_server):
    from postroom.delivery.sending.maintenance import deliveries_maintain

    # given a released winner whose send job never ran (the worker died before it)
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 50, mode="manual", test_percent=20)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    assert run.pk not in [run_id for run_id, _, _ in deliveries_maintain()]  # nothing due yet
    round_pick_winner(actor=owner, campaign=campaign, number=1)

    # when the reaper looks for due work
    work = deliveries_maintain()

    # then the run is there, and sending it reaches everyone
    assert (run.pk, owner.workspace.pk, False) in work
    run_send(run.pk)
    assert len(smtp_server.received) == 50


def test_the_report_counts_released_rows_as_assigned_before_they_are_claimed(owner, smtp_server):
    from postroom.experiments.seams import outcomes

    # given a manual test of 20 % whose test group went out
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 100, mode="manual", test_percent=20)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    tested = dict(
        Delivery.objects.filter(run=run, status=DeliveryStatus.SENT)
        .values_list("variant")
        .annotate(n=Count("id"))
    )

    # when B is picked, and nothing is claimed yet
    round_pick_winner(actor=owner, campaign=campaign, number=2)

    # then the rest counts for B already
    assert outcomes().assigned(run_ids=[run.pk]) == {
        1: tested[1],
        2: 100 - tested[1],
    }
