import pytest

from postroom.experiments.stats import ArmCounts, metric_interval, pooled_order_value, rate_interval


@pytest.mark.parametrize(
    ("metric", "successes", "trials"),
    [
        ("open_rate", 250, 1000),
        ("click_rate", 40, 1000),
        ("click_to_open", 40, 250),
        ("conversion_rate", 8, 1000),
    ],
)
def test_a_rate_has_the_wilson_interval_of_its_successes_and_trials(metric, successes, trials):
    arm = ArmCounts(recipients=1000, opens=250, clicks=40, conversions=8, revenue=560.0)

    assert metric_interval(arm, metric) == rate_interval(successes, trials)


def test_click_to_open_uses_the_opens_as_trials():
    few_opens = ArmCounts(recipients=10_000, opens=50, clicks=20)

    low, high = metric_interval(few_opens, "click_to_open")

    # 20 of 50 opens, not 20 of 10,000 recipients
    assert low < 0.4 < high
    assert (low, high) == pytest.approx((0.2761, 0.5382), abs=5e-4)


def test_revenue_per_recipient_has_an_interval_around_its_value():
    arm = ArmCounts(recipients=2000, conversions=40, revenue=2000.0)  # 1.00 per recipient

    low, high = metric_interval(arm, "revenue_per_recipient")

    assert 0.5 < low < 1.0 < high < 1.6


def test_revenue_interval_is_the_same_on_every_call():
    arm = ArmCounts(recipients=2000, conversions=40, revenue=2000.0)

    assert metric_interval(arm, "revenue_per_recipient") == metric_interval(
        arm, "revenue_per_recipient"
    )


def test_revenue_with_zero_conversions_starts_at_zero_and_uses_the_pooled_order_value():
    # given an arm that sold nothing beside one that sold at 50 an order
    arms = [ArmCounts(recipients=1000), ArmCounts(recipients=1000, conversions=10, revenue=500.0)]

    # when
    low, high = metric_interval(
        arms[0], "revenue_per_recipient", prior_order_value=pooled_order_value(arms)
    )

    # then the interval starts at zero and its top is a few orders of 50 over 1,000
    assert low == pytest.approx(0.0, abs=0.01)
    assert 0.05 < high < 0.5


def test_revenue_with_zero_conversions_and_no_known_order_value_is_zero():
    assert metric_interval(ArmCounts(recipients=1000), "revenue_per_recipient") == (0.0, 0.0)


def test_revenue_with_no_recipients_is_not_an_error():
    low, high = metric_interval(
        ArmCounts(recipients=0), "revenue_per_recipient", prior_order_value=50.0
    )

    assert 0.0 <= low <= high
