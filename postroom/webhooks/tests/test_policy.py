"""Retry times and the endpoint's health are pure decisions, read from tables."""

import datetime as dt

import pytest

from postroom.webhooks.policy import MAX_ATTEMPTS, EndpointHealth, endpoint_outcome, retry_at

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [
        (1, dt.timedelta(seconds=5)),
        (2, dt.timedelta(minutes=5)),
        (3, dt.timedelta(minutes=30)),
        (4, dt.timedelta(hours=2)),
        (5, dt.timedelta(hours=5)),
        (6, dt.timedelta(hours=10)),
        (7, dt.timedelta(hours=10)),
        (8, None),
    ],
)
def test_the_retry_schedule_is_finite(attempts, delay):
    at = retry_at(attempts=attempts, now=NOW, jitter=lambda: 1.0)
    assert at == (NOW + delay if delay else None)
    assert MAX_ATTEMPTS == 8


@pytest.mark.parametrize("jitter", [0.8, 1.2])
def test_jitter_spreads_each_delay_by_a_fifth(jitter):
    assert retry_at(attempts=3, now=NOW, jitter=lambda: jitter) == NOW + dt.timedelta(
        minutes=30 * jitter
    )


SINCE = NOW - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("health", "ok", "gave_up", "expected", "disabled"),
    [
        (EndpointHealth(3, SINCE), True, False, EndpointHealth(0, None), False),
        (EndpointHealth(0, None), False, False, EndpointHealth(0, NOW), False),
        (EndpointHealth(0, SINCE), False, True, EndpointHealth(1, SINCE), False),
        (EndpointHealth(4, SINCE), False, True, EndpointHealth(5, SINCE), True),
        (EndpointHealth(4, SINCE), False, False, EndpointHealth(4, SINCE), False),
        (EndpointHealth(1, NOW - dt.timedelta(days=5)), False, False, None, True),
    ],
)
def test_an_endpoint_is_disabled_after_five_lost_messages_or_five_failing_days(
    health, ok, gave_up, expected, disabled
):
    outcome = endpoint_outcome(
        health, ok=ok, gave_up=gave_up, now=NOW, after_messages=5, after_days=5
    )
    if expected is not None:
        assert outcome.health == expected
    assert bool(outcome.disable_reason) is disabled
