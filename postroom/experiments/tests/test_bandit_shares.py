import random

import numpy as np
import pytest

from postroom.experiments.allocation import bandit_shares, floor_shares, wave_counts
from postroom.experiments.stats import ArmCounts

UNCERTAIN = [ArmCounts(1000, clicks=20), ArmCounts(1000, clicks=24), ArmCounts(1000, clicks=30)]
SETTLED = [ArmCounts(20000, clicks=400), ArmCounts(20000, clicks=480), ArmCounts(20000, clicks=600)]


def test_the_shares_are_the_probabilities_of_being_best_without_a_floor():
    shares = bandit_shares(UNCERTAIN, "click_rate", rng=random.Random(1), draws=2000)

    assert sum(shares) == pytest.approx(1.0)
    assert shares[0] < shares[1] < shares[2]


def test_every_arm_keeps_the_floor_while_uncertain():
    shares = bandit_shares(UNCERTAIN, "click_rate", rng=random.Random(2), min_share=0.1)

    assert sum(shares) == pytest.approx(1.0)
    assert min(shares) == pytest.approx(0.1)
    assert shares[2] == max(shares)


def test_the_floor_stops_once_one_arm_is_settled_as_best():
    shares = bandit_shares(SETTLED, "click_rate", rng=random.Random(3), min_share=0.1)

    assert shares[2] > 0.95
    assert min(shares) < 0.1


def test_the_floor_applies_to_the_end_when_the_settle_threshold_is_never_reached():
    shares = bandit_shares(SETTLED, "click_rate", rng=random.Random(3), min_share=0.1, settle=1.01)

    assert min(shares) == pytest.approx(0.1)


def test_it_is_reproducible_given_the_seed():
    first = bandit_shares(UNCERTAIN, "click_rate", rng=random.Random(4), min_share=0.05)
    again = bandit_shares(UNCERTAIN, "click_rate", rng=random.Random(4), min_share=0.05)

    assert first == again


def test_without_data_the_arms_share_evenly():
    shares = bandit_shares([ArmCounts(0)] * 4, "open_rate", rng=random.Random(5))

    assert all(share == pytest.approx(0.25, abs=0.03) for share in shares)


def test_the_allocation_moves_toward_the_best_arm_on_synthetic_outcomes():
    # given three variants clicked 2 %, 4 % and 6 % of the time, in waves of 2,000
    outcomes = np.random.default_rng(6)
    rates = [0.02, 0.04, 0.06]
    sent, clicks = [0, 0, 0], [0, 0, 0]
    best_shares = []
    # when ten waves go out, each split by the shares from the outcomes so far
    for wave in range(10):
        arms = [ArmCounts(n, clicks=c) for n, c in zip(sent, clicks, strict=True)]
        shares = bandit_shares(
            arms, "click_rate", rng=random.Random(wave), min_share=0.05, draws=4000
        )
        best_shares.append(shares[2])
        for i, count in enumerate(wave_counts(2000, shares)):
            sent[i] += count
            clicks[i] += int(outcomes.binomial(count, rates[i]))
    # then the best arm's share grows from a third to nearly all
    assert best_shares[0] == pytest.approx(1 / 3, abs=0.03)
    assert best_shares[-1] > 0.95
    assert sent[2] > sent[1] > sent[0]


@pytest.mark.parametrize(
    ("shares", "floor", "expected"),
    [
        ([0.9, 0.05, 0.05], 0.1, [0.8, 0.1, 0.1]),
        ([0.6, 0.3, 0.1], 0.1, [0.6, 0.3, 0.1]),
        ([0.7, 0.3, 0.0], 0.2, [0.56, 0.24, 0.2]),
        ([1.0, 0.0], 0.8, [0.5, 0.5]),  # a floor above 1/n is an even split
        ([0.5, 0.5], 0.0, [0.5, 0.5]),
    ],
)
def test_floor_shares_takes_the_floor_from_the_others_in_proportion(shares, floor, expected):
    assert floor_shares(shares, floor) == pytest.approx(expected)
