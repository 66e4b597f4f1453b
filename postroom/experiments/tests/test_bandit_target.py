"""The issue's target, on fewer seeds than `make bench-experiments` (which has 50)."""

import random

import numpy as np

from postroom.experiments.allocation import bandit_shares, wave_counts
from postroom.experiments.stats import ArmCounts

RATES = (0.02, 0.024, 0.03)


def campaign(seed: int) -> tuple[int, int]:
    """100,000 recipients in waves of 5 %: (sent to the best variant, clicks)."""
    outcomes = np.random.default_rng(seed)
    sent, clicks = [0, 0, 0], [0, 0, 0]
    for wave in range(20):
        arms = [ArmCounts(n, clicks=c) for n, c in zip(sent, clicks, strict=True)]
        shares = bandit_shares(
            arms, "click_rate", rng=random.Random(seed * 10_000 + wave), min_share=0.05, draws=1000
        )
        for i, count in enumerate(wave_counts(5000, shares)):
            sent[i] += count
            clicks[i] += int(outcomes.binomial(count, RATES[i]))
    return sent[2], sum(clicks)


def test_the_bandit_sends_most_of_a_campaign_to_the_best_of_three_variants():
    # given six campaigns clicked 2.0 / 2.4 / 3.0 %, with immediate feedback
    results = [campaign(seed) for seed in range(6)]

    # then on average over 85 % go to the best, and the clicks come near the oracle's
    best_share = sum(best for best, _ in results) / (6 * 100_000)
    clicks = sum(total for _, total in results) / 6
    assert best_share > 0.85
    assert clicks > 0.95 * 3000
