"""What an attempt's result means for its delivery: pure decisions, tested from tables.

`delivery_transition` reads the result's class only (never SMTP codes) and the
run's policy, and says what the delivery becomes: sent, deferred until when,
failed (and whether the address is to be suppressed), or skipped. The writer
(`postroom.delivery.sending.writer`) applies a batch of them in bulk.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from postroom.campaigns.schedule import window_not_before
from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.claims import Claimed
from postroom.delivery.transports.base import ResultKind, SendResult


@dataclass(frozen=True)
class Policy:
    """How a run retries: backoff, the give-up horizon, the recipients' send window."""

    backoff_base: float
    backoff_cap: float
    horizon: dt.timedelta
    window_start: dt.time | None = None
    window_end: dt.time | None = None
    # While the relay's circuit breaker is open, relay trouble waits for it at least.
    breaker_open_until: dt.datetime | None = None
    jitter: Callable[[], float] = field(default=lambda: random.uniform(0.5, 1.0))

    @classmethod
    def from_settings(cls, **window: Any) -> "Policy":
        return cls(
            backoff_base=settings.DELIVERY_BACKOFF_BASE,
            backoff_cap=settings.DELIVERY_BACKOFF_CAP,
            horizon=dt.timedelta(seconds=settings.DELIVERY_RETRY_HORIZON),
            **window,
        )

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` tries: exponential, capped, with jitter."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempts - 1))
        return ceiling * self.jitter()


@dataclass(frozen=True)
class Attempted:
    """A claimed delivery and what happened to it (`result` None: skipped before any attempt)."""

    claimed: Claimed
    result: SendResult | None
    at: dt.datetime
    reason: str = ""  # why it was skipped
    time_zone: str = ""  # the recipient's, for the send window


@dataclass(frozen=True)
class Transition:
    """The delivery's new state. Sent ones are written in one statement per reply code."""

    delivery_id: int
    email: str
    status: DeliveryStatus
    attempts: int
    first_attempt_at: dt.datetime
    next_attempt_at: dt.datetime
    last_code: int | None
    last_response: str
    reclaimed: int
    temporary: bool = False  # a deferral-class answer (counted as deferred even when given up)
    suppress: bool = False  # the address is gone: suppressed for the whole workspace


def delivery_transition(item: Attempted, *, now: dt.datetime, policy: Policy) -> Transition:
    """Decide what one attempt (or skip) makes of its delivery."""
    claimed, result = item.claimed, item.result
    first = claimed.first_attempt_at or item.at
    if result is None:
        return _transition(
            item, DeliveryStatus.SKIPPED, first, now, tried=False, response=item.reason
        )
    if result.kind == ResultKind.DELIVERED:
        return _transition(item, DeliveryStatus.SENT, first, now, code=result.code)
    if result.kind in (ResultKind.PERMANENT, ResultKind.RECIPIENT_GONE):
        return _transition(
            item,
            DeliveryStatus.FAILED,
            first,
            now,
            code=result.code,
            response=result.response,
            suppress=result.kind == ResultKind.RECIPIENT_GONE,
        )
    return _deferral(item, result, first=first, now=now, policy=policy)


def _deferral(
    item: Attempted, result: SendResult, *, first: dt.datetime, now: dt.datetime, policy: Policy
) -> Transition:
    """Retry after a backoff, in the recipient's send window, unless that is past the horizon."""
    attempts = item.claimed.attempts + 1
    # The peer's own Retry-After, when it gave one, replaces the backoff.
    wait = policy.backoff(attempts) if result.retry_after is None else result.retry_after
    retry_at = now + dt.timedelta(seconds=max(0.0, wait))
    if result.kind == ResultKind.RELAY_DOWN and policy.breaker_open_until is not None:
        retry_at = max(retry_at, policy.breaker_open_until)
    retry_at = window_not_before(
        retry_at, time_zone=item.time_zone, start=policy.window_start, end=policy.window_end
    )
    # Lost after the message went out: the server may have taken it.
    reclaimed = item.claimed.reclaimed + int(result.maybe_taken)
    if retry_at - first > policy.horizon:
        status, next_at = DeliveryStatus.FAILED, now
        response = f"gave up after {attempts} attempts: {result.response}"[:500]
    else:
        status, next_at, response = DeliveryStatus.DEFERRED, retry_at, result.response
    return _transition(
        item,
        status,
        first,
        next_at,
        code=result.code,
        response=response,
        reclaimed=reclaimed,
        temporary=True,
    )


def _transition(
    item: Attempted,
    status: DeliveryStatus,
    first: dt.datetime,
    next_attempt_at: dt.datetime,
    *,
    tried: bool = True,
    code: int | None = None,
    response: str = "",
    reclaimed: int | None = None,
    temporary: bool = False,
    suppress: bool = False,
) -> Transition:
    claimed = item.claimed
    return Transition(
        delivery_id=claimed.id,
        email=claimed.email,
        status=status,
        attempts=claimed.attempts + int(tried),
        first_attempt_at=first,
        next_attempt_at=next_attempt_at,
        last_code=code,
        last_response=response,
        reclaimed=claimed.reclaimed if reclaimed is None else reclaimed,
        temporary=temporary,
        suppress=suppress,
    )


def auto_pause_due(*, errors: int, attempts: int) -> bool:
    """Too many refusals among enough attempts: the run pauses itself."""
    return attempts >= settings.DELIVERY_PAUSE_MIN_ATTEMPTS and (
        errors / attempts >= settings.DELIVERY_PAUSE_ERROR_RATE
    )
