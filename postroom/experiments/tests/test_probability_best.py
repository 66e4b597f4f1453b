import random

import pytest

from postroom.experiments.stats import METRICS, ArmCounts, probability_best


def test_it_sums_to_one():
    arms = [ArmCounts(1000, clicks=20), ArmCounts(1000, clicks=24), ArmCounts(1000, clicks=30)]

    probabilities = probability_best(arms, "click_rate", rng=random.Random(1), draws=2000)

    assert sum(probabilities) == pytest.approx(1.0)
    assert len(probabilities) == 3


@pytest.mark.parametrize("metric", METRICS)
def test_it_sums_to_one_for_every_metric_even_without_data(metric):
    arms = [ArmCounts(0), ArmCounts(0)]

    probabilities = probability_best(arms, metric, rng=random.Random(2), draws=1000)

    assert sum(probabilities) == pytest.approx(1.0)


def test_it_favours_the_clearly_better_arm():
    arms = [ArmCounts(5000, clicks=100), ArmCounts(5000, clicks=200), ArmCounts(5000, clicks=110)]

    probabilities = probability_best(arms, "click_rate", rng=random.Random(3))

    assert probabilities[1] > 0.999


def test_arms_with_the_same_rate_are_about_equally_likely_best():
    arms = [ArmCounts(1000, opens=200), ArmCounts(2000, opens=400)]

    probabilities = probability_best(arms, "open_rate", rng=random.Random(4))

    assert all(p == pytest.approx(0.5, abs=0.03) for p in probabilities)


def test_it_is_reproducible_given_the_seed():
    arms = [ArmCounts(300, clicks=9), ArmCounts(300, clicks=12)]

    first = probability_best(arms, "click_rate", rng=random.Random(5), draws=500)
    again = probability_best(arms, "click_rate", rng=random.Random(5), draws=500)

    assert first == again


def test_it_agrees_with_the_exact_probability_for_two_arms():
    # P(B > A) for B ~ Beta(21, 81) against A ~ Beta(11, 91): 0.97517 by Evan Miller's
    # closed form (sum over i < 21 of B(11 + i, 172) / ((81 + i) B(1 + i, 81) B(11, 91))).
    arms = [ArmCounts(100, clicks=10), ArmCounts(100, clicks=20)]

    probabilities = probability_best(arms, "click_rate", rng=random.Random(6), draws=40_000)

    assert probabilities[1] == pytest.approx(0.9752, abs=0.005)


def test_click_to_open_compares_clicks_over_opens():
    # A: more clicks per recipient; B: more clicks per open.
    arms = [ArmCounts(1000, opens=500, clicks=50), ArmCounts(1000, opens=100, clicks=40)]

    probabilities = probability_best(arms, "click_to_open", rng=random.Random(7))

    assert probabilities[1] > 0.99


def test_revenue_with_zero_conversions_is_unlikely_but_possible_best():
    # given one arm without a sale and two that sold a little
    arms = [
        ArmCounts(500),
        ArmCounts(500, conversions=2, revenue=100.0),
        ArmCounts(500, conversions=1, revenue=40.0),
    ]

    # when
    probabilities = probability_best(arms, "revenue_per_recipient", rng=random.Random(8))

    # then
    assert sum(probabilities) == pytest.approx(1.0)
    assert 0.0 < probabilities[0] < probabilities[2] < probabilities[1]


def test_revenue_favours_the_arm_that_earns_more_per_recipient():
    arms = [
        ArmCounts(5000, conversions=50, revenue=2500.0),  # 0.50 per recipient
        ArmCounts(5000, conversions=50, revenue=5000.0),  # 1.00 per recipient
    ]

    probabilities = probability_best(arms, "revenue_per_recipient", rng=random.Random(9))

    assert probabilities[1] > 0.99


def test_a_single_arm_is_surely_best_and_no_arm_gives_nothing():
    assert probability_best([ArmCounts(10)], "click_rate", rng=random.Random(0)) == [1.0]
    assert probability_best([], "click_rate", rng=random.Random(0)) == []


def test_identical_arms_share_exactly_evenly():
    arms = [ArmCounts(0)] * 3

    assert probability_best(arms, "click_rate", rng=random.Random(10)) == [1 / 3] * 3
