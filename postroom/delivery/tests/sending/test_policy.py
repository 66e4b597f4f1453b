"""What each result class makes of a delivery: every class x attempt count x window x horizon."""

import datetime as dt

import pytest

from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.claims import Claimed
from postroom.delivery.sending.policy import Attempted, Policy, auto_pause_due, delivery_transition
from postroom.delivery.transports.base import ResultKind, SendResult

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday, 12:00 UTC
HOUR = dt.timedelta(hours=1)
BASE, CAP, HORIZON = 60, 3600, dt.timedelta(hours=24)


def policy(**overrides: object) -> Policy:
    values: dict = {
        "backoff_base": BASE,
        "backoff_cap": CAP,
        "horizon": HORIZON,
        "jitter": lambda: 1.0,
    }
    values.update(overrides)
    return Policy(**values)


def attempted(
    kind: ResultKind | None,
    *,
    attempts: int = 0,
    first: dt.datetime | None = None,
    reclaimed: int = 0,
    maybe_taken: bool = False,
    time_zone: str = "",
) -> Attempted:
    claimed = Claimed(
        id=7,
        subscriber_id=3,
        email="ann@example.com",
        attempts=attempts,
        first_attempt_at=first,
        reclaimed=reclaimed,
    )
    result = (
        None
        if kind is None
        else SendResult(kind, 451 if kind != ResultKind.DELIVERED else 250, "answer", "rcpt")
    )
    if result is not None:
        result.maybe_taken = maybe_taken
    return Attempted(claimed, result, NOW, reason="unsubscribed", time_zone=time_zone)


@pytest.mark.parametrize(
    ("kind", "status", "suppress", "temporary"),
    [
        (ResultKind.DELIVERED, DeliveryStatus.SENT, False, False),
        (ResultKind.PERMANENT, DeliveryStatus.FAILED, False, False),
        (ResultKind.RECIPIENT_GONE, DeliveryStatus.FAILED, True, False),
        (ResultKind.TEMPORARY, DeliveryStatus.DEFERRED, False, True),
        (ResultKind.RELAY_DOWN, DeliveryStatus.DEFERRED, False, True),
        (None, DeliveryStatus.SKIPPED, False, False),
    ],
)
@pytest.mark.parametrize("attempts", [0, 1, 4])
def test_it_maps_each_result_class_to_one_state(kind, status, suppress, temporary, attempts):
    first = None if attempts == 0 else NOW - HOUR
    change = delivery_transition(
        attempted(kind, attempts=attempts, first=first), now=NOW, policy=policy()
    )

    assert change.status == status
    assert change.suppress is suppress
    assert change.temporary is temporary
    assert change.attempts == attempts + (0 if kind is None else 1)
    assert change.first_attempt_at == (first or NOW)
    if kind is None:
        assert change.last_response == "unsubscribed" and change.last_code is None
    if kind == ResultKind.DELIVERED:
        assert change.last_response == ""


@pytest.mark.parametrize(
    ("attempts_before", "backoff"),
    [(0, 60), (1, 120), (2, 240), (5, 1920), (6, 3600), (20, 3600)],
)
@pytest.mark.parametrize("kind", [ResultKind.TEMPORARY, ResultKind.RELAY_DOWN])
def test_it_retries_after_a_capped_exponential_backoff(kind, attempts_before, backoff):
    change = delivery_transition(
        attempted(kind, attempts=attempts_before, first=NOW - HOUR), now=NOW, policy=policy()
    )

    assert change.status == DeliveryStatus.DEFERRED
    assert change.next_attempt_at == NOW + dt.timedelta(seconds=backoff)
    assert change.last_response == "answer"


def test_the_jitter_shortens_the_wait_never_lengthens_it():
    waits = {
        delivery_transition(
            attempted(ResultKind.TEMPORARY, attempts=3, first=NOW),
            now=NOW,
            policy=Policy(backoff_base=BASE, backoff_cap=CAP, horizon=HORIZON),
        ).next_attempt_at
        - NOW
        for _ in range(50)
    }
    assert all(dt.timedelta(seconds=240) <= w <= dt.timedelta(seconds=480) for w in waits)
    assert len(waits) > 1


@pytest.mark.parametrize(
    ("first_attempt_ago", "status"),
    [
        (dt.timedelta(hours=1), DeliveryStatus.DEFERRED),
        (HORIZON - dt.timedelta(minutes=2), DeliveryStatus.DEFERRED),  # retry at 23:59 in
        (HORIZON, DeliveryStatus.FAILED),
        (HORIZON * 3, DeliveryStatus.FAILED),
    ],
)
def test_it_gives_up_when_the_next_try_would_be_past_the_horizon(first_attempt_ago, status):
    change = delivery_transition(
        attempted(ResultKind.TEMPORARY, attempts=0, first=NOW - first_attempt_ago),
        now=NOW,
        policy=policy(),
    )

    assert change.status == status
    assert change.temporary  # counted as a deferral either way
    if status == DeliveryStatus.FAILED:
        assert change.last_response == "gave up after 1 attempts: answer"
        assert change.next_attempt_at == NOW
        assert not change.suppress


@pytest.mark.parametrize(
    ("time_zone", "window", "expected"),
    [
        # 12:01 UTC is inside 09:00-17:00 UTC: no wait beyond the backoff.
        ("UTC", (dt.time(9), dt.time(17)), NOW + dt.timedelta(minutes=1)),
        # 12:01 UTC is 21:01 in Tokyo: the next window opens at 09:00 Tokyo, 00:00 UTC.
        ("Asia/Tokyo", (dt.time(9), dt.time(17)), dt.datetime(2026, 12, 4, 0, 0, tzinfo=UTC)),
        # No window: the backoff only.
        ("Asia/Tokyo", (None, None), NOW + dt.timedelta(minutes=1)),
    ],
)
def test_a_retry_waits_for_the_recipients_send_window(time_zone, window, expected):
    start, end = window
    change = delivery_transition(
        attempted(ResultKind.TEMPORARY, first=NOW, time_zone=time_zone),
        now=NOW,
        policy=policy(window_start=start, window_end=end),
    )

    assert change.status == DeliveryStatus.DEFERRED
    assert change.next_attempt_at == expected


def test_a_window_that_pushes_the_retry_past_the_horizon_gives_up():
    change = delivery_transition(
        attempted(ResultKind.TEMPORARY, first=NOW - dt.timedelta(hours=20), time_zone="Asia/Tokyo"),
        now=NOW,
        policy=policy(window_start=dt.time(9), window_end=dt.time(17)),
    )

    assert change.status == DeliveryStatus.FAILED


@pytest.mark.parametrize(
    ("kind", "waits_for_breaker"),
    [(ResultKind.RELAY_DOWN, True), (ResultKind.TEMPORARY, False)],
)
def test_relay_trouble_waits_for_an_open_breaker(kind, waits_for_breaker):
    reopens = NOW + dt.timedelta(minutes=10)
    change = delivery_transition(
        attempted(kind, first=NOW), now=NOW, policy=policy(breaker_open_until=reopens)
    )

    assert (change.next_attempt_at == reopens) is waits_for_breaker


@pytest.mark.parametrize(
    ("maybe_taken", "reclaimed_before", "reclaimed"), [(False, 0, 0), (True, 0, 1), (True, 2, 3)]
)
def test_a_connection_lost_after_the_data_counts_as_a_possible_duplicate(
    maybe_taken, reclaimed_before, reclaimed
):
    change = delivery_transition(
        attempted(
            ResultKind.RELAY_DOWN, first=NOW, reclaimed=reclaimed_before, maybe_taken=maybe_taken
        ),
        now=NOW,
        policy=policy(),
    )

    assert change.reclaimed == reclaimed


@pytest.mark.parametrize(
    ("errors", "attempts", "pause"),
    [(0, 0, False), (49, 49, False), (25, 50, True), (24, 50, False), (100, 100, True)],
)
def test_a_run_pauses_itself_after_enough_refusals(settings, errors, attempts, pause):
    settings.DELIVERY_PAUSE_MIN_ATTEMPTS = 50
    settings.DELIVERY_PAUSE_ERROR_RATE = 0.5

    assert auto_pause_due(errors=errors, attempts=attempts) is pause
