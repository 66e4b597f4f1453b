"""What the bandit knows before a wave: this run's results, fairly weighted, and earlier runs'.

Two corrections over raw counts (see docs/experiments.md):
- recipients sent minutes ago have not had time to click: each is counted by
  the share of clicks that arrive by now (the lognormal delay,
  `allocation.matured_recipients`), so a fresh wave does not look like failure;
- a periodic campaign carries its earlier runs over at half weight per run
  (`allocation.counts_carried`), so the bandit starts from what it learnt and
  still follows a change in the audience.
"""

import datetime as dt
from collections.abc import Sequence

from postroom.campaigns.models import CampaignRun
from postroom.experiments.allocation import counts_carried, matured_recipients
from postroom.experiments.seams import outcomes
from postroom.experiments.stats import NOBODY, ArmCounts, successes_trials

_EARLIER_RUNS = 10  # older runs weigh under 0.1 % at half weight per run


def carried_prior(
    *, campaign_id: int, before_run: int, variants: Sequence[int]
) -> dict[int, ArmCounts]:
    """The earlier runs' counts, each run weighing half the next (the last ten runs)."""
    earlier = list(
        CampaignRun.objects.filter(campaign_id=campaign_id)
        .exclude(pk=before_run)
        .order_by("-scheduled_for")
        .values_list("pk", flat=True)[:_EARLIER_RUNS]
    )
    carried: dict[int, ArmCounts] = {}
    for run_id in reversed(earlier):
        arms = outcomes().arms(run_ids=[run_id])
        carried = {n: counts_carried(carried.get(n, NOBODY), arms.get(n, NOBODY)) for n in variants}
    return carried


def bandit_arms(
    *, run: CampaignRun, variants: Sequence[int], metric: str, now: dt.datetime
) -> dict[int, ArmCounts]:
    """Per variant: this run's counts with matured recipients, plus the earlier runs carried."""
    current = outcomes().arms(run_ids=[run.pk])
    ages = outcomes().sent_ages(run_ids=[run.pk], now=now)
    prior = carried_prior(campaign_id=run.campaign_id, before_run=run.pk, variants=variants)
    arms = {}
    for number in variants:
        arm = current.get(number, NOBODY)
        successes, _trials = successes_trials(arm, metric)
        matured = matured_recipients(ages.get(number, []), successes=successes)
        arm = ArmCounts(matured, arm.opens, arm.clicks, arm.conversions, arm.revenue)
        arms[number] = counts_carried(prior.get(number, NOBODY), arm)
    return arms
