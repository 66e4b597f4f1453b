import pytest

from postroom.experiments.stats import ArmCounts, metric_value

ARM = ArmCounts(recipients=1000, opens=250, clicks=40, conversions=8, revenue=560.0)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("open_rate", 0.25),
        ("click_rate", 0.04),
        ("click_to_open", 0.16),
        ("conversion_rate", 0.008),
        ("revenue_per_recipient", 0.56),
    ],
)
def test_it_is_the_observed_value_of_each_metric(metric, expected):
    assert metric_value(ARM, metric) == pytest.approx(expected)


@pytest.mark.parametrize(
    "metric",
    ["open_rate", "click_rate", "click_to_open", "conversion_rate", "revenue_per_recipient"],
)
def test_it_is_zero_without_trials(metric):
    assert metric_value(ArmCounts(recipients=0), metric) == 0.0


def test_click_to_open_is_zero_when_nobody_opened():
    assert metric_value(ArmCounts(recipients=100, clicks=3), "click_to_open") == 0.0


def test_click_to_open_counts_no_more_clicks_than_opens():
    # Clicks without a tracked open (images blocked) do not make the rate exceed 1.
    assert metric_value(ArmCounts(recipients=100, opens=2, clicks=5), "click_to_open") == 1.0


def test_an_unknown_metric_is_refused():
    with pytest.raises(ValueError):
        metric_value(ARM, "bounce_rate")
