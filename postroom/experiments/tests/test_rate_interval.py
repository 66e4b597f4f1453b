"""The Wilson score interval against published values (Newcombe 1998, method 3)."""

import pytest

from postroom.experiments.stats import rate_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_it_matches_the_published_wilson_intervals(successes, trials, low, high):
    assert rate_interval(successes, trials) == pytest.approx((low, high), abs=5e-5)


def test_it_is_the_whole_range_without_trials():
    assert rate_interval(0, 0) == (0.0, 1.0)


def test_a_higher_level_gives_a_wider_interval():
    low95, high95 = rate_interval(30, 1000)
    low99, high99 = rate_interval(30, 1000, level=0.99)

    assert low99 < low95 < 0.03 < high95 < high99


def test_successes_above_the_trials_are_capped():
    assert rate_interval(12, 10) == rate_interval(10, 10)


def test_a_level_outside_zero_and_one_is_refused():
    with pytest.raises(ValueError):
        rate_interval(1, 10, level=1.0)
