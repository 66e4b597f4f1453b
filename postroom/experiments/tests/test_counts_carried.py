import pytest

from postroom.experiments.allocation import counts_carried
from postroom.experiments.stats import ArmCounts

EARLIER = ArmCounts(recipients=1000, opens=300, clicks=30, conversions=5, revenue=250.0)
NOW = ArmCounts(recipients=400, opens=100, clicks=8, conversions=1, revenue=40.0)


def test_the_earlier_runs_count_at_their_weight():
    assert counts_carried(EARLIER, NOW, weight=0.5) == ArmCounts(
        recipients=900, opens=250, clicks=23, conversions=3, revenue=165.0
    )


@pytest.mark.parametrize(("weight", "expected"), [(0.0, NOW), (1.0, None)])
def test_weight_zero_forgets_and_weight_one_pools(weight, expected):
    pooled = ArmCounts(recipients=1400, opens=400, clicks=38, conversions=6, revenue=290.0)

    assert counts_carried(EARLIER, NOW, weight=weight) == (expected or pooled)


def test_old_runs_fade_run_after_run():
    carried = ArmCounts(0)
    for _ in range(6):
        carried = counts_carried(carried, NOW)

    # the geometric sum approaches twice one run, never more
    assert carried.recipients < 2 * NOW.recipients


def test_a_weight_outside_zero_and_one_is_refused():
    with pytest.raises(ValueError):
        counts_carried(EARLIER, NOW, weight=1.5)
