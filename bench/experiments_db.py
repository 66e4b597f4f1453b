"""The experiment's allocation on PostgreSQL at 1,000,000 recipients, against the plain launch.

    BENCH_ALLOCATION_ROWS=1000000 python bench/experiments_db.py   (make bench-experiments runs it)

Times, in one run on the same data: the launch without an experiment (the
baseline INSERT … SELECT), the launch with an A/B test (the seeded draw of
every recipient computed inside the same INSERT: holdout 10 %, test group
20 % split between three variants, the rest waiting), the winner's release of
the remaining 70 %, and a bandit's 5 % wave. A release writes no recipient
rows (the claim gives each its variant), so the cost it moved is measured
too: claiming 50,000 of the released rows against claiming 50,000 queued
rows of the plain launch, in batches of 500 as the engine does. Repeats and
prints medians; asserts nothing.
"""

import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _experiment(campaign, **config):
    from postroom.experiments.models import Experiment, Variant

    experiment = Experiment.objects.create(campaign=campaign, **config)
    for number, subject in enumerate(("A", "B", "C"), start=1):
        Variant.objects.create(experiment=experiment, number=number, subject=subject)
    return experiment


def _fresh_run(campaign):
    from django.utils import timezone

    from postroom.campaigns.models import CampaignRun, CampaignStatus

    campaign.status = CampaignStatus.RUNNING
    campaign.save(update_fields=["status"])
    return CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())


def _clear() -> None:
    """The previous repeat's deliveries and experiment, gone without the ORM's per-row cascade."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "experiments_wave",
            "experiments_round",
            "experiments_variant",
            "experiments_experiment",
            "delivery_delivery",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our table names)
        cursor.execute("VACUUM ANALYZE delivery_delivery")


def _round_for(run, release) -> None:
    """What `round_step_apply` records with a release: the wave the claim resolves variants from."""
    from django.utils import timezone

    from postroom.experiments.models import Round, Wave

    round_ = Round.objects.get(run=run)
    Wave.objects.create(
        round=round_,
        kind=release.kind,
        at=timezone.now(),
        bucket_from=release.bucket_from,
        bucket_to=release.bucket_to,
        shares={str(number): share for number, share in release.shares.items()},
    )
    Round.objects.filter(pk=round_.pk).update(released_to=release.bucket_to)


def _timed(call):
    t0 = time.perf_counter()
    result = call()
    return time.perf_counter() - t0, result


def _claim_all(run_id: int, count: int, size: int = 500) -> int:
    from postroom.delivery.sending.claims import deliveries_claim

    taken = 0
    while taken < count:
        batch = deliveries_claim(run_id=run_id, owner="bench", size=size, lease_seconds=600)
        if not batch:
            break
        taken += len(batch)
    return taken


def allocation(rows: int, repeats: int = 3) -> dict[str, float]:
    """Median seconds of each step over `repeats` fresh runs of one audience of `rows`."""
    from django.db import connection
    from django.utils import timezone

    from bench.send_bench import campaign_for
    from postroom.delivery.models import Delivery, DeliveryStatus
    from postroom.delivery.sending.launch import run_launch
    from postroom.delivery.sending.waves import OutboxWaves
    from postroom.experiments.draw import BUCKETS
    from postroom.experiments.models import Mode
    from postroom.experiments.plans import Release

    if connection.vendor != "postgresql":
        sys.exit("the allocation is measured on PostgreSQL: set DATABASE_URL")
    print(f"allocation at {rows:,} recipients (PostgreSQL, median of {repeats}):")
    plain_run = campaign_for(rows, f"x{time.time():.0f}.", None, 1)
    campaign = plain_run.campaign
    figures: dict[str, list[float]] = {
        "plain": [],
        "ab": [],
        "winner": [],
        "claim_queued": [],
        "claim_released": [],
        "bandit": [],
        "wave": [],
    }
    for _ in range(repeats):
        _clear()
        plain = _fresh_run(campaign)
        figures["plain"].append(_timed(partial(run_launch, plain.pk))[0])

        _experiment(campaign, mode=Mode.AB, test_percent=20, holdout_percent=10)
        run = _fresh_run(campaign)
        figures["ab"].append(_timed(partial(run_launch, run.pk))[0])
        rest = Release("winner", BUCKETS * 3 // 10, BUCKETS, {2: 1.0})
        release = partial(OutboxWaves().release, run=run, release=rest, now=timezone.now())
        figures["winner"].append(_timed(release)[0])
        _round_for(run, rest)
        # The test group went out (untimed): what is left to claim is the released rest.
        Delivery.objects.filter(run=run, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENT
        )
        claims = min(50_000, rows // 2)
        figures["claim_queued"].append(_timed(partial(_claim_all, plain.pk, claims))[0])
        figures["claim_released"].append(_timed(partial(_claim_all, run.pk, claims))[0])

        from postroom.experiments.models import Experiment

        Experiment.objects.filter(campaign=campaign).delete()
        _experiment(campaign, mode=Mode.BANDIT, wave_percent=5)
        run = _fresh_run(campaign)
        figures["bandit"].append(_timed(partial(run_launch, run.pk))[0])
        wave = Release("bandit", BUCKETS // 20, BUCKETS // 10, {1: 0.2, 2: 0.3, 3: 0.5})
        release = partial(OutboxWaves().release, run=run, release=wave, now=timezone.now())
        figures["wave"].append(_timed(release)[0])
    medians = {name: statistics.median(values) for name, values in figures.items()}
    plain = medians["plain"]
    print(f"  launch without an experiment (baseline): {plain:.2f} s")
    print(
        f"  launch with an A/B test (draw of every recipient inside the INSERT): "
        f"{medians['ab']:.2f} s = {medians['ab'] / plain:.2f} x the baseline; "
        f"the draw itself {max(0.0, medians['ab'] - plain):.2f} s"
    )
    print(f"  the winner to the remaining 70 %: {medians['winner']:.3f} s (no row written)")
    print(
        f"  claiming {min(50_000, rows // 2):,} rows in batches of 500: queued "
        f"{medians['claim_queued']:.2f} s, released waiting (variant set by the claim) "
        f"{medians['claim_released']:.2f} s = "
        f"{medians['claim_released'] / medians['claim_queued']:.2f} x"
    )
    print(f"  launch with a bandit: {medians['bandit']:.2f} s; a 5 % wave: {medians['wave']:.2f} s")
    return medians


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    allocation(int(os.environ.get("BENCH_ALLOCATION_ROWS", "1000000")))
