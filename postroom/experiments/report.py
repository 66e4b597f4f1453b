"""An experiment's results as the report shows them: per variant, the decision, the waves.

Rates come with 95 % intervals and each variant's probability of being the
best from the posteriors; the decision is said in words. The probabilities are
drawn with a generator seeded from the experiment, so a page shows the same
figures on every reload until new results arrive.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from postroom.campaigns.models import Campaign, CampaignRun
from postroom.experiments.models import Experiment, Metric, Mode, Phase, Round, Variant, Wave
from postroom.experiments.seams import HOLDOUT, outcomes
from postroom.experiments.stats import (
    NOBODY,
    ArmCounts,
    Lift,
    lift,
    metric_interval,
    metric_value,
    probability_best,
)


@dataclass(frozen=True)
class VariantResult:
    variant: Variant
    assigned: int
    counts: ArmCounts
    value: float
    interval: tuple[float, float]
    probability_best: float
    conversion_rate: float
    revenue_per_recipient: float
    # Over the holdout (None without one): absolute and relative conversion-rate lift
    # with the relative lift's 95 % interval and the probability of beating the holdout
    # (`stats.lift`), and the revenue per recipient gained.
    lift: float | None = None
    lift_relative: float | None = None
    lift_interval: tuple[float, float] | None = None
    lift_probability: float | None = None
    revenue_lift: float | None = None


@dataclass(frozen=True)
class WaveShares:
    at: dt.datetime
    kind: str
    shares: dict[str, float]  # letter: share


@dataclass(frozen=True)
class ExperimentReport:
    experiment: Experiment
    variants: list[VariantResult]
    holdout: ArmCounts | None
    holdout_assigned: int
    round: Round | None
    decision: str
    waves: list[WaveShares] = field(default_factory=list)

    @property
    def best(self) -> VariantResult | None:
        ranked = [v for v in self.variants if v.counts.recipients]
        return max(ranked, key=lambda v: v.probability_best) if ranked else None


def experiment_report(campaign: Campaign) -> ExperimentReport | None:
    """The campaign's experiment with its results over every run (None without one)."""
    experiment = (
        Experiment.objects.filter(campaign_id=campaign.pk)
        .prefetch_related("variants__message")
        .first()
    )
    if experiment is None:
        return None
    run_ids = list(CampaignRun.objects.filter(campaign_id=campaign.pk).values_list("pk", flat=True))
    arms = outcomes().arms(run_ids=run_ids)
    assigned = outcomes().assigned(run_ids=run_ids)
    variants = list(experiment.variants.all())
    counts = [arms.get(v.number, NOBODY) for v in variants]
    rng = random.Random(f"{experiment.seed}:report:{[c.recipients for c in counts]}")
    best = probability_best(counts, experiment.metric, rng=rng) if variants else []
    holdout = arms.get(HOLDOUT)
    results = [
        _result(variant, assigned.get(variant.number, 0), arm, p, experiment.metric, holdout, rng)
        for variant, arm, p in zip(variants, counts, best, strict=True)
    ]
    round_ = (
        Round.objects.filter(experiment=experiment)
        .select_related("decided_by")
        .order_by("-run__scheduled_for")
        .first()
    )
    return ExperimentReport(
        experiment=experiment,
        variants=results,
        holdout=holdout,
        holdout_assigned=assigned.get(HOLDOUT, 0),
        round=round_,
        decision=decision_text(experiment, round_, variants),
        waves=_waves(round_, variants),
    )


def _result(
    variant: Variant,
    assigned: int,
    arm: ArmCounts,
    probability: float,
    metric: str,
    holdout: ArmCounts | None,
    rng: random.Random,
) -> VariantResult:
    conversion = metric_value(arm, Metric.CONVERSION_RATE)
    revenue = metric_value(arm, Metric.REVENUE)
    over: Lift | None = None
    if holdout is not None and holdout.recipients and arm.recipients:
        over = lift(arm, holdout, Metric.CONVERSION_RATE, rng=rng)
    return VariantResult(
        variant=variant,
        assigned=assigned,
        counts=arm,
        value=metric_value(arm, metric),
        interval=metric_interval(arm, metric),
        probability_best=probability,
        conversion_rate=conversion,
        revenue_per_recipient=revenue,
        lift=over.difference if over else None,
        lift_relative=over.value if over else None,
        lift_interval=(over.low, over.high) if over else None,
        lift_probability=over.probability_better if over else None,
        revenue_lift=revenue - metric_value(holdout, Metric.REVENUE) if over and holdout else None,
    )


def _letter(variants: list[Variant], number: int | None) -> str:
    return next((v.letter for v in variants if v.number == number), "?")


def decision_text(experiment: Experiment, round_: Round | None, variants: list[Variant]) -> str:
    """The decision and its reason in one sentence ("" before the first run)."""
    if round_ is None:
        return ""
    metric = Metric(experiment.metric).label.lower()
    percent = round((round_.probability or 0) * 100)
    winner = _letter(variants, round_.winner)
    if round_.reason == "picked":
        return _("%(variant)s picked by %(user)s.") % {
            "variant": winner,
            "user": round_.decided_by.email if round_.decided_by else "—",
        }
    if round_.reason == "confident":
        return _("%(variant)s wins: %(percent)s %% probability of the best %(metric)s.") % {
            "variant": winner,
            "percent": percent,
            "metric": metric,
        }
    if round_.reason == "fallback_first":
        return _(
            "No clear winner after %(hours)s h (%(percent)s %% at best, %(needed)s %% needed): "
            "sent %(variant)s, the configured fallback."
        ) % {
            "hours": experiment.wait_hours * (2 if round_.extended else 1),
            "percent": percent,
            "needed": experiment.confidence,
            "variant": winner,
        }
    if round_.reason == "no_data" and round_.winner is not None:
        return _(
            "Nothing to compare after %(hours)s h (no %(metric)s yet): sent %(variant)s, "
            "the configured fallback."
        ) % {
            "hours": experiment.wait_hours * (2 if round_.extended else 1),
            "metric": metric,
            "variant": winner,
        }
    if round_.reason in ("extended", "no_data"):
        return _("No clear winner after %(hours)s h: waiting %(hours)s h more.") % {
            "hours": experiment.wait_hours
        }
    if experiment.mode == Mode.BANDIT:
        if round_.phase == Phase.DECIDED:
            return _("Sent in waves; every recipient has a variant.")
        return _("Sending in waves: each wave favours the variants most probably the best.")
    if round_.phase == Phase.WAITING_PICK:
        return _("The test group is out: pick the winner for the rest.")
    return _("Testing: the winner is chosen when the wait is over.")


def _waves(round_: Round | None, variants: list[Variant]) -> list[WaveShares]:
    if round_ is None:
        return []
    letters = {str(v.number): v.letter for v in variants}
    return [
        WaveShares(
            at=wave.at,
            kind=wave.kind,
            shares={letters.get(k, k): share for k, share in wave.shares.items()},
        )
        for wave in Wave.objects.filter(round=round_).exclude(kind="holdout")
    ]
