"""What an attempt's answer means for its message and its endpoint: pure decisions, tested from tables.

Retries follow the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h,
10 h, 10 h after the first try: eight tries over about 28 hours), each delay
with ±20 % jitter so that a recovering receiver is not hit by every sender at
once. The next try is a stored time, never a sleep.

An endpoint is disabled (and its owners told) when WEBHOOKS_DISABLE_AFTER_MESSAGES
messages in a row failed every try, or when every try since
WEBHOOKS_DISABLE_AFTER_DAYS days ago failed. Any 2xx answer clears both.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

RETRY_DELAYS = (
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
    dt.timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def jitter_default() -> float:
    return random.uniform(0.8, 1.2)


def retry_at(
    *, attempts: int, now: dt.datetime, jitter: Callable[[], float] = jitter_default
) -> dt.datetime | None:
    """When to try again after `attempts` failed tries; None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_DELAYS[attempts - 1] * jitter()


def answer_ok(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


@dataclass(frozen=True)
class EndpointHealth:
    consecutive_failures: int  # messages that failed every try, in a row
    failing_since: dt.datetime | None


@dataclass(frozen=True)
class Outcome:
    """The endpoint's health after an attempt, and whether it is to be disabled (why)."""

    health: EndpointHealth
    disable_reason: str = ""


def endpoint_outcome(
    health: EndpointHealth,
    *,
    ok: bool,
    gave_up: bool,
    now: dt.datetime,
    after_messages: int,
    after_days: float,
) -> Outcome:
    """Fold one attempt's result into the endpoint's health (reasons are English, for the log)."""
    if ok:
        return Outcome(EndpointHealth(0, None))
    since = health.failing_since or now
    failures = health.consecutive_failures + (1 if gave_up else 0)
    new = EndpointHealth(failures, since)
    if failures >= after_messages:
        return Outcome(new, f"{failures} messages in a row failed every retry")
    if now - since >= dt.timedelta(days=after_days):
        return Outcome(new, f"every attempt failed for {after_days:g} days")
    return Outcome(new)
