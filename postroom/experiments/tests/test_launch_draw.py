"""At launch every recipient is drawn once: held out, in the test group with a variant, or waiting."""

import pytest
from django.db.models import Count

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.launch import run_launch
from postroom.experiments.draw import bucket
from postroom.experiments.models import Phase, Round
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db


def statuses(run):
    rows = Delivery.objects.filter(run=run).values("status", "variant").annotate(n=Count("id"))
    return {(row["status"], row["variant"]): row["n"] for row in rows}


def test_the_test_group_is_split_evenly_and_the_rest_waits(owner):
    # given
    campaign, _experiment, _ = experiment_campaign(owner.workspace, 400, test_percent=50)
    run = run_of(campaign)
    # when
    assert run_launch(run.pk) == 400
    # then
    counts = statuses(run)
    queued = {v: n for (status, v), n in counts.items() if status == DeliveryStatus.QUEUED}
    assert set(queued) == {1, 2}
    assert 150 < sum(queued.values()) < 250
    assert all(60 < n < 140 for n in queued.values())
    assert counts[(DeliveryStatus.WAITING, None)] == 400 - sum(queued.values())
    round_ = Round.objects.get(run=run)
    assert round_.phase == Phase.TESTING
    assert round_.next_step_at is not None


def test_the_draw_is_the_seeded_hash_computed_by_the_database(owner):
    campaign, experiment, _people = experiment_campaign(owner.workspace, 50)
    run = run_of(campaign)
    run_launch(run.pk)
    for subscriber_id, drawn in Delivery.objects.filter(run=run).values_list(
        "subscriber_id", "bucket"
    ):
        assert drawn == bucket(experiment.seed, subscriber_id)


def test_the_holdout_receives_nothing(owner):
    campaign, _, _ = experiment_campaign(owner.workspace, 300, holdout_percent=20)
    run = run_of(campaign)
    run_launch(run.pk)
    held = Delivery.objects.filter(run=run, status=DeliveryStatus.HELD)
    assert 30 < held.count() < 90
    assert not held.exclude(variant=None).exists()


def test_a_test_group_given_as_a_count(owner):
    campaign, _, _ = experiment_campaign(owner.workspace, 500, test_count=100)
    run = run_of(campaign)
    run_launch(run.pk)
    queued = Delivery.objects.filter(run=run, status=DeliveryStatus.QUEUED).count()
    assert 60 < queued < 140
