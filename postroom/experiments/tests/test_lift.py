import random

import pytest

from postroom.experiments.stats import ArmCounts, lift


def test_a_variant_that_converts_twice_as_often_lifts_by_about_100_percent():
    # given a variant converting 4 % against a holdout converting 2 %
    variant = ArmCounts(10_000, conversions=400)
    control = ArmCounts(10_000, conversions=200)

    # when
    result = lift(variant, control, "conversion_rate", rng=random.Random(1))

    # then
    assert result.value == pytest.approx(1.0)
    assert result.difference == pytest.approx(0.02)
    assert 0.6 < result.low < 1.0 < result.high < 1.5
    assert result.probability_better > 0.999


def test_no_lift_is_inside_the_interval_when_the_arms_are_alike():
    arm = ArmCounts(5000, conversions=100, revenue=5000.0)

    result = lift(arm, arm, "revenue_per_recipient", rng=random.Random(2))

    assert result.value == pytest.approx(0.0)
    assert result.low < 0.0 < result.high
    assert result.probability_better == pytest.approx(0.5, abs=0.03)


def test_a_holdout_without_conversions_gives_no_observed_lift_but_a_finite_interval():
    variant = ArmCounts(2000, conversions=10, revenue=400.0)
    control = ArmCounts(500)

    result = lift(variant, control, "revenue_per_recipient", rng=random.Random(3))

    assert result.value is None
    assert result.difference == pytest.approx(0.2)
    assert result.low < result.high < float("inf")
    assert result.probability_better > 0.8


def test_it_is_reproducible_given_the_seed():
    variant, control = ArmCounts(300, clicks=12), ArmCounts(300, clicks=9)

    first = lift(variant, control, "click_rate", rng=random.Random(4), draws=500)
    again = lift(variant, control, "click_rate", rng=random.Random(4), draws=500)

    assert first == again
