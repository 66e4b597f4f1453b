"""A peer's Retry-After replaces the backoff: the delivery waits exactly that long (window and horizon still hold)."""

import datetime as dt

import pytest

from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.claims import Claimed
from postroom.delivery.sending.policy import Attempted, Policy, delivery_transition
from postroom.delivery.transports.base import ResultKind, SendResult

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(hours=24)


def policy(**overrides: object) -> Policy:
    values: dict = {"backoff_base": 60, "backoff_cap": 3600, "horizon": HORIZON}
    values.update(jitter=lambda: 1.0, **overrides)
    return Policy(**values)


def attempted(kind: ResultKind, retry_after: float | None, *, attempts: int = 2) -> Attempted:
    claimed = Claimed(
        id=7, subscriber_id=3, email="", attempts=attempts, first_attempt_at=NOW, reclaimed=0
    )
    result = SendResult(kind, 429, "429 slow down", "http", retry_after=retry_after)
    return Attempted(claimed, result, NOW)


@pytest.mark.parametrize(
    ("kind", "retry_after", "attempts", "wait"),
    [
        (ResultKind.TEMPORARY, None, 2, dt.timedelta(seconds=240)),  # the backoff of a 3rd try
        (ResultKind.TEMPORARY, 5, 2, dt.timedelta(seconds=5)),  # shorter than the backoff
        (ResultKind.TEMPORARY, 7200, 2, dt.timedelta(hours=2)),  # longer than the cap
        (ResultKind.TEMPORARY, 0, 6, dt.timedelta(0)),
        (ResultKind.RELAY_DOWN, 30, 1, dt.timedelta(seconds=30)),
        (ResultKind.TEMPORARY, -3, 1, dt.timedelta(0)),  # a negative header is now
    ],
)
def test_it_defers_for_the_retry_after_the_peer_gave(kind, retry_after, attempts, wait):
    change = delivery_transition(
        attempted(kind, retry_after, attempts=attempts), now=NOW, policy=policy()
    )

    assert change.status == DeliveryStatus.DEFERRED
    assert change.next_attempt_at == NOW + wait
    assert change.temporary is True


def test_a_retry_after_beyond_the_horizon_gives_up():
    change = delivery_transition(
        attempted(ResultKind.TEMPORARY, HORIZON.total_seconds() + 60), now=NOW, policy=policy()
    )

    assert change.status == DeliveryStatus.FAILED
    assert change.last_response.startswith("gave up after 3 attempts")


def test_an_open_breaker_still_holds_relay_trouble_longer_than_the_retry_after():
    until = NOW + dt.timedelta(minutes=10)
    change = delivery_transition(
        attempted(ResultKind.RELAY_DOWN, 30), now=NOW, policy=policy(breaker_open_until=until)
    )

    assert change.next_attempt_at == until


def test_a_retry_after_outside_the_send_window_waits_for_the_window():
    change = delivery_transition(
        attempted(ResultKind.TEMPORARY, 60),
        now=NOW,
        policy=policy(window_start=dt.time(14, 0), window_end=dt.time(16, 0)),
    )

    assert change.next_attempt_at == dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)
