"""Signals of the tracking app, for the apps above it to count what happened.

Tracking sits below reports, so it does not write the report's aggregates
itself: it announces what a batch of events adds to them, and reports
connects a receiver (`postroom.reports.receivers`).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.dispatch import Signal


@dataclass(frozen=True, slots=True)
class CounterDelta:
    """What one batch adds to one run's counters for one hour (metric name: amount)."""

    campaign_id: int
    run_id: int
    hour: dt.datetime
    counts: Mapping[str, int]
    revenue: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RunBounces:
    """The addresses of one run that bounced in this batch, one entry per bounce."""

    campaign_id: int
    run_id: int
    emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventCounts:
    """Everything a batch of new events adds to the reports, in the order it was counted."""

    counters: tuple[CounterDelta, ...] = ()
    bounced: tuple[RunBounces, ...] = ()


# A batch of new events was stored: sender=Event, counts=<EventCounts>. Sent inside
# the ingest's transaction (after the event rows), so a receiver's writes commit or
# roll back with the events, and a replayed batch, which stores nothing, adds nothing.
events_counted = Signal()
