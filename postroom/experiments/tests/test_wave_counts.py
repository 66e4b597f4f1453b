import pytest
from hypothesis import given
from hypothesis import strategies as st

from postroom.experiments.allocation import wave_counts


@pytest.mark.parametrize(
    ("total", "shares", "expected"),
    [
        (10, [1 / 3, 1 / 3, 1 / 3], [4, 3, 3]),  # ties go to the lower index
        (100, [0.5, 0.3, 0.2], [50, 30, 20]),
        (7, [0.45, 0.35, 0.2], [3, 3, 1]),  # quotas 3.15, 2.45, 1.4: remainders .45 > .4
        (5, [0.8, 0.1, 0.1], [4, 1, 0]),  # quotas 4.0, 0.5, 0.5
        (1, [0.2, 0.5, 0.3], [0, 1, 0]),
        (0, [0.5, 0.5], [0, 0]),
        (9, [0.0, 1.0, 0.0], [0, 9, 0]),
        (6, [2.0, 1.0], [4, 2]),  # shares need not sum to 1
        (5, [0.0, 0.0], [3, 2]),  # all zero: an even split
        (0, [], []),
    ],
)
def test_it_splits_by_the_largest_remainder(total, shares, expected):
    assert wave_counts(total, shares) == expected


@given(
    total=st.integers(min_value=0, max_value=2_000_000),
    shares=st.lists(
        st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=1, max_size=8
    ),
)
def test_it_sums_exactly_to_the_total_and_stays_within_one_of_each_quota(total, shares):
    counts = wave_counts(total, shares)

    assert sum(counts) == total
    assert all(count >= 0 for count in counts)
    weight = sum(shares)
    weights = shares if weight > 0 else [1.0] * len(shares)
    for count, share in zip(counts, weights, strict=True):
        quota = total * share / sum(weights)
        assert quota - 1 - 1e-6 < count < quota + 1 + 1e-6


@pytest.mark.parametrize(
    ("total", "shares"), [(-1, [1.0]), (3, [0.5, -0.1]), (3, [float("nan")]), (3, [])]
)
def test_it_refuses_what_cannot_be_split(total, shares):
    with pytest.raises(ValueError):
        wave_counts(total, shares)
