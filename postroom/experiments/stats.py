"""PLACEHOLDER until the statistics branch lands (same interface)."""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ArmCounts:
    recipients: int
    opens: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue: float = 0.0


METRICS = ("open_rate", "click_rate", "click_to_open", "conversion_rate", "revenue_per_recipient")


def _ts(counts: ArmCounts, metric: str) -> tuple[int, int]:
    if metric == "open_rate":
        return counts.opens, counts.recipients
    if metric == "click_to_open":
        return counts.clicks, counts.opens
    if metric == "conversion_rate":
        return counts.conversions, counts.recipients
    return counts.clicks, counts.recipients


def metric_value(counts: ArmCounts, metric: str) -> float:
    if metric == "revenue_per_recipient":
        return counts.revenue / counts.recipients if counts.recipients else 0.0
    s, n = _ts(counts, metric)
    return s / n if n else 0.0


def rate_interval(successes: int, trials: int, *, level: float = 0.95) -> tuple[float, float]:
    if not trials:
        return 0.0, 1.0
    z = 1.959963984540054
    p = successes / trials
    d = 1 + z * z / trials
    c = (p + z * z / (2 * trials)) / d
    h = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / d
    return max(0.0, c - h), min(1.0, c + h)


def metric_interval(counts: ArmCounts, metric: str, *, level: float = 0.95) -> tuple[float, float]:
    s, n = _ts(counts, metric)
    return rate_interval(s, n, level=level)


def probability_best(
    arms: Sequence[ArmCounts], metric: str, *, rng: random.Random, draws: int = 10000
) -> list[float]:
    wins = [0] * len(arms)
    for _ in range(draws):
        samples = []
        for arm in arms:
            s, n = _ts(arm, metric)
            samples.append(rng.betavariate(1 + s, 1 + max(0, n - s)))
        wins[samples.index(max(samples))] += 1
    return [w / draws for w in wins]
