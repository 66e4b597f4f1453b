"""How many recipients each variant gets, and when a winner is declared: pure functions.

Bandit (Thompson sampling, batched). A campaign goes out in waves; before each wave the
engine sums each variant's outcomes so far into `ArmCounts` and asks `bandit_shares` for
the next wave's split. Each variant's share is its posterior probability of being the
best (`stats.probability_best`): exactly the share of recipients that per-recipient
Thompson sampling would give it in expectation, without redrawing per recipient. A
variant that is probably worse fades out on its own, and comes back if later outcomes
say so.

The floor. While the variants are uncertain every variant keeps at least `min_share` of
the wave, so a variant that had an unlucky start still gets looked at. The floor stops
applying once one variant's probability of being best reaches `settle` (0.95 by
default): from then on the probabilities alone decide, and the campaign stops paying for
exploring variants that are clearly worse. If later outcomes pull the leader back below
`settle`, the floor applies again.

Late clicks. Clicks (and opens) arrive hours after the send, so the latest wave's
recipients have had little time to click: counted as trials in full they make the arm
that got the most of them look worse, and the bandit hesitates to follow the leader.
`matured_recipients` counts each wave's recipients in proportion to the share of their
clicks expected by now, under an assumed lognormal delay (median 1 hour, sigma 1 by
default); the engine may pass that as the arm's recipients for the allocation (never
for the report).

Periodic campaigns. The bandit carries over from run to run: `counts_carried` adds the
earlier runs' counts, at `weight` (0.5 by default), to this run's. Applied run after
run, evidence fades geometrically, so a variant that stopped working is not followed
for ever on the strength of old runs.

Winner (A/B then winner). After the wait, `winner_decide` names the variant most
probably best and declares it the winner only when that probability is at least the
experiment's confidence; otherwise the configured fallback applies: "first" sends the
first variant, "extend" waits once more, then sends the first variant.

Everything is reproducible given the `random.Random` passed in (the engine seeds it from
the experiment's seed and the wave number).
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from postroom.experiments.stats import ArmCounts, probability_best, successes_trials

FALLBACKS = ("first", "extend")
REASONS = ("confident", "fallback_first", "extended", "no_data")


def floor_shares(shares: Sequence[float], min_share: float) -> list[float]:
    """`shares` (summing to 1) with every share raised to at least `min_share`.

    The mass the raised shares take is taken from the others in proportion to their
    shares, so their order is kept. A floor above 1/n is capped at 1/n (an even split).
    """
    n = len(shares)
    if n == 0:
        return []
    floor = min(max(min_share, 0.0), 1.0 / n)
    result = list(shares)
    floored: set[int] = set()
    while True:
        low = {i for i in range(n) if i not in floored and result[i] < floor}
        if not low:
            return result
        floored |= low
        free = 1.0 - floor * len(floored)
        rest = sum(shares[i] for i in range(n) if i not in floored)
        for i in range(n):
            if i in floored:
                result[i] = floor
            else:
                result[i] = shares[i] / rest * free if rest > 0 else free / (n - len(floored))


def bandit_shares(
    arms: Sequence[ArmCounts],
    metric: str,
    *,
    rng: random.Random,
    min_share: float = 0.0,
    draws: int = 10000,
    settle: float = 0.95,
) -> list[float]:
    """The next wave's share of each arm: its probability of being best, floored.

    Every arm keeps at least `min_share` while no arm's probability of being best has
    reached `settle`; after that the probabilities are the shares. Sums to 1.
    """
    probabilities = probability_best(arms, metric, rng=rng, draws=draws)
    if probabilities and max(probabilities) < settle:
        return floor_shares(probabilities, min_share)
    return probabilities


def counts_carried(previous: ArmCounts, current: ArmCounts, *, weight: float = 0.5) -> ArmCounts:
    """An arm's counts for a periodic campaign's run: this run's plus the earlier ones at `weight`.

    `previous` is what the last run carried (its own `counts_carried`); weight 1 pools
    every run as one, 0 forgets them.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError("weight must be between 0 and 1")
    return ArmCounts(
        recipients=current.recipients + round(previous.recipients * weight),
        opens=current.opens + round(previous.opens * weight),
        clicks=current.clicks + round(previous.clicks * weight),
        conversions=current.conversions + round(previous.conversions * weight),
        revenue=current.revenue + previous.revenue * weight,
    )


def delay_share(hours: float, *, median_hours: float = 1.0, sigma: float = 1.0) -> float:
    """The share of clicks arrived `hours` after the send: the lognormal delay's CDF."""
    if hours <= 0.0:
        return 0.0
    return NormalDist().cdf(math.log(hours / median_hours) / sigma)


def matured_recipients(
    waves: Sequence[tuple[float, int]],
    *,
    successes: int = 0,
    median_hours: float = 1.0,
    sigma: float = 1.0,
) -> int:
    """An arm's recipients weighted by how much of their clicks can have arrived.

    `waves` holds, per wave the arm was sent in, (hours since that wave, recipients).
    Never fewer than the `successes` already counted, so the rate stays a rate.
    """
    matured = sum(
        sent * delay_share(age, median_hours=median_hours, sigma=sigma) for age, sent in waves
    )
    return max(successes, round(matured))


def wave_counts(total: int, shares: Sequence[float]) -> list[int]:
    """`total` recipients split by `shares` with the largest remainder method.

    Each arm gets the whole part of its quota, then the recipients left over go one
    each to the largest fractional parts (ties to the lower index). Sums exactly to
    `total`; never negative; shares need not sum to 1 (all zero means an even split).
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(share < 0 or math.isnan(share) for share in shares):
        raise ValueError("shares must not be negative")
    if not shares:
        if total:
            raise ValueError("no arms to split recipients between")
        return []
    weight = sum(shares)
    weights = list(shares) if weight > 0 else [1.0] * len(shares)
    weight = sum(weights)
    quotas = [total * share / weight for share in weights]
    counts = [min(math.floor(quota), total) for quota in quotas]
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - counts[i]), i))
    left = total - sum(counts)
    while left > 0:  # more than one round only when rounding made the floors short
        for i in order[:left]:
            counts[i] += 1
        left = total - sum(counts)
    while left < 0:  # rounding made the floors exceed the total: take from the largest
        largest = max(range(len(counts)), key=lambda i: (counts[i], -i))
        counts[largest] -= 1
        left += 1
    return counts


@dataclass(frozen=True)
class Decision:
    winner: int | None  # index of the declared winner in arms, None while the wait is extended
    best: int  # index of the arm most probably best
    probability: float  # the best arm's probability of being best
    reason: str  # one of REASONS


def winner_decide(
    arms: Sequence[ArmCounts],
    metric: str,
    *,
    confidence: float,
    fallback: str,
    extended: bool,
    rng: random.Random,
    draws: int = 10000,
) -> Decision:
    """The decision after an A/B test's wait.

    - "confident": the arm most probably best has a probability of at least
      `confidence`; it wins.
    - otherwise the fallback: "extended" (winner None: wait once more) when the
      fallback is "extend" and the wait was not extended yet, else "fallback_first"
      (the first variant is sent).
    - "no_data": no arm has a single success for the metric (no click, or nobody
      sent); nothing to compare, the fallback applies as when not confident.
    """
    if fallback not in FALLBACKS:
        raise ValueError(f"unknown fallback {fallback!r}; expected one of {', '.join(FALLBACKS)}")
    if not arms:
        raise ValueError("no arms to decide between")
    wait_again = fallback == "extend" and not extended
    if sum(successes_trials(arm, metric)[0] for arm in arms) == 0:
        return Decision(
            winner=None if wait_again else 0,
            best=0,
            probability=1.0 / len(arms),
            reason="no_data",
        )
    probabilities = probability_best(arms, metric, rng=rng, draws=draws)
    best = probabilities.index(max(probabilities))
    probability = probabilities[best]
    if probability >= confidence:
        return Decision(winner=best, best=best, probability=probability, reason="confident")
    if wait_again:
        return Decision(winner=None, best=best, probability=probability, reason="extended")
    return Decision(winner=0, best=best, probability=probability, reason="fallback_first")
