import pytest

from postroom.experiments.allocation import delay_share, matured_recipients


@pytest.mark.parametrize(
    ("hours", "share"),
    [(0.0, 0.0), (-1.0, 0.0), (1.0, 0.5), (0.5, 0.2441), (4.0, 0.9172), (24.0, 0.9992)],
)
def test_the_share_of_clicks_arrived_follows_a_lognormal_with_a_median_of_an_hour(hours, share):
    assert delay_share(hours) == pytest.approx(share, abs=1e-4)


def test_a_longer_median_delays_the_clicks():
    assert delay_share(1.0, median_hours=2.0) < delay_share(1.0)


def test_each_wave_counts_by_the_share_of_its_clicks_due():
    # given 1,000 recipients sent an hour ago and 1,000 just now
    waves = [(1.0, 1000), (0.0, 1000)]

    # then half of the first wave counts, none of the second
    assert matured_recipients(waves) == 500


def test_old_waves_count_in_full():
    assert matured_recipients([(48.0, 2000), (72.0, 3000)]) == 5000


def test_it_never_counts_fewer_recipients_than_the_successes():
    assert matured_recipients([(0.1, 1000)], successes=40) == 40


def test_an_arm_never_sent_counts_nobody():
    assert matured_recipients([]) == 0
