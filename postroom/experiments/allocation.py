"""PLACEHOLDER until the statistics branch lands (same interface)."""

import random
from collections.abc import Sequence
from dataclasses import dataclass

from postroom.experiments.stats import ArmCounts, probability_best


def bandit_shares(
    arms: Sequence[ArmCounts],
    metric: str,
    *,
    rng: random.Random,
    min_share: float = 0.0,
    draws: int = 10000,
) -> list[float]:
    p = probability_best(arms, metric, rng=rng, draws=draws)
    floored = [max(min_share, x) for x in p]
    total = sum(floored)
    return [x / total for x in floored]


def wave_counts(total: int, shares: Sequence[float]) -> list[int]:
    raw = [total * s for s in shares]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class Decision:
    winner: int | None
    best: int
    probability: float
    reason: str


def winner_decide(
    arms: Sequence[ArmCounts],
    metric: str,
    *,
    confidence: float,
    fallback: str,
    extended: bool,
    rng: random.Random,
) -> Decision:
    p = probability_best(arms, metric, rng=rng)
    best = p.index(max(p))
    if p[best] >= confidence:
        return Decision(best, best, p[best], "confident")
    if fallback == "extend" and not extended:
        return Decision(None, best, p[best], "extended")
    return Decision(0, best, p[best], "fallback_first")
