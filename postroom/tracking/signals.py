"""Signals of the tracking app, for the apps above it to count and act on what visitors did.

Tracking sits below reports and the CRM, so it does not write the report's
aggregates or leads itself: it announces what a batch of events adds to them
(reports connects `postroom.reports.receivers`), and the leads the snippet
reports (the CRM connects `postroom.crm.snippet_leads`).
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


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One stored event as the apps above see it: who, which message, what (event webhooks)."""

    uid: str
    kind: str  # an EventKind value
    at: dt.datetime
    workspace_id: int
    campaign_id: int
    run_id: int
    delivery_id: int
    subscriber_id: int | None
    email: str
    link_id: int | None
    machine: bool
    goal: str
    revenue: Decimal | None
    url: str


# The rows of a batch of new events were stored: sender=Event, events=<tuple[RecordedEvent, ...]>.
# Sent in the ingest's transaction, after `events_counted`; built only when someone listens.
events_recorded = Signal()


@dataclass(frozen=True, slots=True)
class ReportedLead:
    """Contact details a visitor left on the customer's site, reported by the snippet.

    `visitor` is the genuine visitor token of a tracked click on `delivery_id`.
    """

    visitor: str
    delivery_id: int
    name: str
    email: str
    phone: str
    company: str
    url: str


# The snippet reported a lead: sender=ReportedLead, lead=<ReportedLead>. Sent after
# the conversion was recorded; the CRM records the lead (once per delivery and address).
lead_reported = Signal()
