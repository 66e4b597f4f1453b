"""The statistics of an experiment's variants, stated plainly: pure Python, no models.

Every variant ("arm") is summed up as an `ArmCounts`; the caller has already left out
machine opens and link-scanner clicks. Five metrics are compared:

- open, click and conversion rate: successes over recipients;
- click-to-open: clicks over opens (the trials are the opens; clicks without a
  tracked open, e.g. images blocked, are capped at the opens so the rate stays a rate);
- revenue per recipient: the arm's conversion revenue over its recipients.

Intervals (95 % unless asked otherwise):

- rates: the Wilson score interval, which stays inside [0, 1] and behaves with few
  trials or no successes, unlike the normal ("Wald") interval;
- revenue per recipient: the equal-tailed credible interval of the posterior below,
  from Monte Carlo draws with a fixed seed (so a report shows the same figures on every
  load).

Posteriors, for the probability that each arm is the best (Monte Carlo over `draws`
joint draws from the arms' posteriors; ties go to the lower index, so the
probabilities always sum to 1):

- rates: Beta(1 + s, 1 + n - s), the uniform prior updated by s successes in n trials;
- revenue per recipient: conversion rate times mean order value, independent a posteriori.
  The conversion rate is Beta(1 + c, 1 + n - c). Order values are modelled as
  exponential (only the arm's total revenue is known, not each order), whose mean has
  the conjugate inverse-gamma posterior InvGamma(2 + c, m0 + R): a prior worth one
  order of the pooled mean order value m0 of all compared arms, updated by c
  conversions totalling R. With zero conversions the arm's order value falls back to
  the pooled prior and its revenue per recipient is driven by its small conversion
  rate, so an arm without sales is neither a sure loser nor a lucky winner. With no
  conversion anywhere m0 is 1: every arm's value is scaled alike, which leaves the
  comparison unchanged. (This is the Beta-Gamma model A/B tools such as VWO use for
  revenue.)

The lift of a variant over the holdout (`lift`) is drawn from the same posteriors: the
relative lift's credible interval and the probability that the variant beats it.
"""

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

METRICS = ("open_rate", "click_rate", "click_to_open", "conversion_rate", "revenue_per_recipient")
REVENUE = "revenue_per_recipient"
# A fixed seed for the revenue interval, so the same counts give the same interval.
INTERVAL_SEED = 16


@dataclass(frozen=True)
class ArmCounts:
    recipients: int  # recipients sent to (the trials for the rates and revenue per recipient)
    opens: int = 0  # unique human opens (machine opens already excluded by the caller)
    clicks: int = 0  # unique human clicks
    conversions: int = 0
    revenue: float = 0.0  # total revenue of the arm's conversions


NOBODY = ArmCounts(recipients=0)  # an arm nobody was sent yet


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")


def successes_trials(counts: ArmCounts, metric: str) -> tuple[int, int]:
    """A rate metric's (successes, trials), successes capped to the trials.

    For revenue per recipient: (conversions, recipients), its conversion part.
    """
    _check_metric(metric)
    if metric == "click_to_open":
        successes, trials = counts.clicks, counts.opens
    elif metric == "open_rate":
        successes, trials = counts.opens, counts.recipients
    elif metric == "click_rate":
        successes, trials = counts.clicks, counts.recipients
    else:
        successes, trials = counts.conversions, counts.recipients
    trials = max(trials, 0)
    return min(max(successes, 0), trials), trials


def metric_value(counts: ArmCounts, metric: str) -> float:
    """The observed value of `metric` (0.0 when there are no trials)."""
    successes, trials = successes_trials(counts, metric)
    if trials == 0:
        return 0.0
    if metric == REVENUE:
        return max(counts.revenue, 0.0) / trials
    return successes / trials


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError("level must be between 0 and 1")
    return NormalDist().inv_cdf((1.0 + level) / 2.0)


def rate_interval(successes: int, trials: int, *, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of successes/trials; (0.0, 1.0) with no trials."""
    z = _z(level)
    if trials <= 0:
        return (0.0, 1.0)
    successes = min(max(successes, 0), trials)
    p = successes / trials
    z2 = z * z
    denominator = 1.0 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / trials + z2 / (4 * trials * trials)) / denominator
    # At 0 or n successes the bound is exactly 0 or 1; rounding must not move it.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return (low, high)


def pooled_order_value(arms: Sequence[ArmCounts]) -> float:
    """The mean order value over all arms: the revenue prior's scale (1.0 without sales)."""
    conversions = sum(max(arm.conversions, 0) for arm in arms)
    revenue = sum(max(arm.revenue, 0.0) for arm in arms)
    if conversions == 0 or revenue <= 0.0:
        return 1.0
    return revenue / conversions


def _sampler(
    counts: ArmCounts, metric: str, rng: random.Random, prior_order_value: float
) -> Callable[[], float]:
    """A function drawing one value from the arm's posterior of `metric`."""
    successes, trials = successes_trials(counts, metric)
    alpha, beta = 1.0 + successes, 1.0 + trials - successes
    betavariate, gammavariate = rng.betavariate, rng.gammavariate
    if metric != REVENUE:
        return lambda: betavariate(alpha, beta)
    shape = 2.0 + successes
    scale = prior_order_value + max(counts.revenue, 0.0)
    # Mean order value ~ InvGamma(shape, scale), drawn as scale / Gamma(shape, 1).
    return lambda: betavariate(alpha, beta) * scale / gammavariate(shape, 1.0)


def metric_interval(
    counts: ArmCounts,
    metric: str,
    *,
    level: float = 0.95,
    prior_order_value: float | None = None,
    draws: int = 4000,
) -> tuple[float, float]:
    """The interval of `metric` for one arm.

    Rates: Wilson on (successes, trials); click-to-open uses the opens as trials.
    Revenue per recipient: the equal-tailed credible interval of the posterior described
    in the module docstring, from `draws` draws with a fixed seed. Pass the experiment's
    `pooled_order_value(arms)` as `prior_order_value` so that an arm without sales gets
    an honest upper bound; without it an arm's own mean order value is the prior (and an
    arm that never sold gets (0.0, 0.0), nothing being known of the order values).
    """
    successes, trials = successes_trials(counts, metric)
    if metric != REVENUE:
        return rate_interval(successes, trials, level=level)
    _z(level)
    if prior_order_value is None:
        prior_order_value = pooled_order_value([counts]) if counts.revenue > 0 else 0.0
    if prior_order_value <= 0.0 and counts.revenue <= 0.0:
        return (0.0, 0.0)
    draw = _sampler(counts, metric, random.Random(INTERVAL_SEED), prior_order_value)
    values = sorted(draw() for _ in range(draws))
    tail = (1.0 - level) / 2.0
    low = values[min(draws - 1, int(tail * draws))]
    high = values[min(draws - 1, int((1.0 - tail) * draws))]
    return (low, high)


def probability_best(
    arms: Sequence[ArmCounts], metric: str, *, rng: random.Random, draws: int = 10000
) -> list[float]:
    """Each arm's posterior probability of having the highest `metric`; sums to 1.

    Monte Carlo: `draws` joint draws from the arms' posteriors (module docstring), each
    won by the arm with the highest value (ties to the lower index). Arms with identical
    counts (a first wave) share exactly evenly. Reproducible given the state of `rng`.
    """
    _check_metric(metric)
    if not arms:
        return []
    if draws <= 0:
        raise ValueError("draws must be positive")
    if all(arm == arms[0] for arm in arms):  # identical posteriors: exactly even, no draws
        return [1.0 / len(arms)] * len(arms)
    prior = pooled_order_value(arms) if metric == REVENUE else 0.0
    samples = []
    for arm in arms:
        draw = _sampler(arm, metric, rng, prior)
        samples.append([draw() for _ in range(draws)])
    wins = [0] * len(arms)
    for column in zip(*samples, strict=True):
        wins[column.index(max(column))] += 1
    return [won / draws for won in wins]


@dataclass(frozen=True)
class Lift:
    """A variant against the holdout (control) on one metric."""

    value: float | None  # observed relative lift, variant / control - 1; None when control is 0
    difference: float  # observed variant - control
    low: float  # equal-tailed credible interval of the relative lift
    high: float
    probability_better: float  # posterior probability that the variant beats the control


def lift(
    variant: ArmCounts,
    control: ArmCounts,
    metric: str,
    *,
    rng: random.Random,
    level: float = 0.95,
    draws: int = 10000,
) -> Lift:
    """The lift of `variant` over `control` (the holdout) on `metric`, with its interval.

    Drawn from the same posteriors as `probability_best` (for revenue the order value
    prior is pooled over the two arms), so a holdout that converted nobody still gives
    a finite lift: its posterior rate is small, never zero.
    """
    _check_metric(metric)
    _z(level)
    if draws <= 0:
        raise ValueError("draws must be positive")
    tail = (1.0 - level) / 2.0
    prior = pooled_order_value([variant, control]) if metric == REVENUE else 0.0
    draw_variant = _sampler(variant, metric, rng, prior)
    draw_control = _sampler(control, metric, rng, prior)
    ratios = []
    better = 0
    for _ in range(draws):
        v, c = draw_variant(), draw_control()
        better += v > c
        ratios.append(v / c - 1.0 if c > 0 else math.inf)
    ratios.sort()
    observed_variant, observed_control = (
        metric_value(variant, metric),
        metric_value(control, metric),
    )
    return Lift(
        value=observed_variant / observed_control - 1.0 if observed_control > 0 else None,
        difference=observed_variant - observed_control,
        low=ratios[min(draws - 1, int(tail * draws))],
        high=ratios[min(draws - 1, int((1.0 - tail) * draws))],
        probability_better=better / draws,
    )
