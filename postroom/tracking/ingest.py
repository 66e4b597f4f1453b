"""Hits into events and aggregates, one batch at a time.

Every step is set-based: one query loads the batch's deliveries, one finds
hits already recorded (a replayed batch changes nothing), one inserts the new
events, a few keep engagement and link counters, and one upsert per run and
hour adds to the report counters. Batches are serialized (an advisory lock on
PostgreSQL, SQLite's immediate transactions), so "first open" is decided once.

What the events change is decided by `engagement_apply` (no database) and
written by `engagement_write`; the report counts are announced with the
`events_counted` signal, which the reports app (above tracking) receives in
this same transaction.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from postroom.core.bulk import rows_insert
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.tracking.agents import MACHINE
from postroom.tracking.engagement import (
    ENGAGING,
    EngagementOutcome,
    EngagementRow,
    engagement_apply,
    human_link_clicks,
)
from postroom.tracking.models import Engagement, Event, EventKind, Link, LinkClick
from postroom.tracking.signals import RecordedEvent, events_counted, events_recorded

_LOCK_ID = 0x70726F6F6D  # any constant shared by all ingesting processes

_KINDS = frozenset(EventKind.values)


@dataclass
class _Target:
    run_id: int
    campaign_id: int
    workspace_id: int
    subscriber_id: int | None
    email: str
    sent_at: dt.datetime | None
    device_id: int | None  # a push's: nothing scans a notification before its person taps it
    # In an experiment's holdout: received nothing. Its conversions (reported by
    # address) count for the experiment's lift only, never in the campaign's report.
    held: bool = False


@dataclass(slots=True)
class _EventRow:
    """An Event row to write (a model instance per hit costs more than the rest)."""

    uid: str
    kind: str
    at: dt.datetime
    workspace_id: int
    campaign_id: int
    run_id: int
    delivery_id: int
    subscriber_id: int | None
    link_id: int | None
    machine: bool
    agent: str
    ip_hash: str
    goal: str
    revenue: Decimal | None
    url: str


_ENGAGEMENT_COLUMNS = [f.attname for f in Engagement._meta.concrete_fields]


@dataclass
class IngestReport:
    received: int = 0
    recorded: int = 0
    duplicates: int = 0
    unknown: int = 0
    machine: int = 0
    counters: dict[str, int] = field(default_factory=dict)


def _targets(ids: set[int]) -> dict[int, _Target]:
    # Transactional messages (the priority lane: no run) have no campaign to count for.
    rows = Delivery.objects.filter(pk__any=list(ids), run__isnull=False).values_list(
        "pk",
        "run_id",
        "run__campaign_id",
        "run__campaign__workspace_id",
        "subscriber_id",
        "email",
        "sent_at",
        "device_id",
        "status",
    )
    return {row[0]: _Target(*row[1:-1], held=row[-1] == DeliveryStatus.HELD) for row in rows}


def _machine(hit: dict[str, Any], kind: str, at: dt.datetime, target: _Target) -> bool:
    if hit.get("a") in MACHINE:
        return True
    since_sent = (at - target.sent_at).total_seconds() if target.sent_at else None
    if kind == EventKind.OPEN:
        return since_sent is not None and since_sent < settings.TRACKING_PREFETCH_SECONDS
    if kind == EventKind.CLICK and target.device_id is None:  # mail's link scanners
        return since_sent is not None and since_sent < settings.TRACKING_SCANNER_SECONDS
    return False


def _bursts(clicks: list[tuple[int, int, dt.datetime]]) -> set[int]:
    """Deliveries whose clicks hit TRACKING_BURST_LINKS different links within seconds: scanners."""
    window = dt.timedelta(seconds=settings.TRACKING_BURST_SECONDS)
    per_delivery: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for delivery_id, link_id, at in clicks:
        per_delivery[delivery_id].append((at, link_id))
    found = set()
    for delivery_id, items in per_delivery.items():
        items.sort()
        for i, (start, _link) in enumerate(items):
            links = {link for at, link in items[i:] if at - start <= window}
            if len(links) >= settings.TRACKING_BURST_LINKS:
                found.add(delivery_id)
                break
    return found


def hits_ingest(hits: list[dict[str, Any]]) -> IngestReport:
    """Record `hits` (see `postroom.tracking.hits.hit_make`); safe to call again with the same ones."""
    report = IngestReport(received=len(hits))
    unique: dict[str, dict[str, Any]] = {}
    for hit in hits:
        if hit.get("k") in _KINDS and isinstance(hit.get("d"), int) and hit.get("u"):
            unique.setdefault(str(hit["u"])[:64], hit)
    if not unique:
        return report
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        seen = set(Event.objects.filter(uid__any=list(unique)).values_list("uid", flat=True))
        report.duplicates = len(seen) + len(hits) - len(unique)
        fresh = [(uid, hit) for uid, hit in unique.items() if uid not in seen]
        targets = _targets({hit["d"] for _uid, hit in fresh})
        _record(fresh, targets, report)
    return report


def _record(
    fresh: list[tuple[str, dict[str, Any]]], targets: dict[int, _Target], report: IngestReport
) -> None:
    events: list[_EventRow] = []
    link_ids = {int(hit["l"]) for _uid, hit in fresh if hit.get("l")}
    links = dict(Link.objects.filter(pk__any=list(link_ids)).values_list("pk", "campaign_id"))
    for uid, hit in fresh:
        target = targets.get(hit["d"])
        kind = EventKind(hit["k"])
        link_id = int(hit["l"]) if hit.get("l") else None
        if target is None or (link_id is not None and links.get(link_id) != target.campaign_id):
            report.unknown += 1
            continue
        at = dt.datetime.fromtimestamp(float(hit["t"]), tz=dt.UTC)
        revenue = hit.get("r")
        events.append(
            _EventRow(
                uid=uid,
                kind=kind,
                at=at,
                workspace_id=target.workspace_id,
                campaign_id=target.campaign_id,
                run_id=target.run_id,
                delivery_id=hit["d"],
                subscriber_id=target.subscriber_id,
                link_id=link_id,
                machine=_machine(hit, kind, at, target),
                agent=str(hit.get("a", ""))[:12],
                ip_hash=str(hit.get("ip", ""))[:16],
                goal=str(hit.get("g", ""))[:100],
                revenue=Decimal(revenue) if revenue not in (None, "") else None,
                url=str(hit.get("url", ""))[:500],
            )
        )
    bursts = _bursts(
        [
            (e.delivery_id, e.link_id, e.at)
            for e in events
            if e.kind == EventKind.CLICK and e.link_id
        ]
        + _recent_clicks(events)
    )
    for event in events:
        if event.kind == EventKind.CLICK and event.delivery_id in bursts:
            event.machine = True
    rows_insert(Event, events, _EVENT_FIELDS)
    report.recorded = len(events)
    report.machine = sum(e.machine for e in events)
    counted = [e for e in events if not targets[e.delivery_id].held]
    held = [e for e in events if targets[e.delivery_id].held]
    _aggregate(counted, targets, report)
    if held:
        _aggregate(held, targets, report, counted=False)
    if counted and events_recorded.has_listeners(Event):
        events_recorded.send(sender=Event, events=_recorded(counted, targets))


def _recorded(events: list[_EventRow], targets: dict[int, _Target]) -> tuple[RecordedEvent, ...]:
    return tuple(
        RecordedEvent(
            uid=e.uid,
            kind=e.kind,
            at=e.at,
            workspace_id=e.workspace_id,
            campaign_id=e.campaign_id,
            run_id=e.run_id,
            delivery_id=e.delivery_id,
            subscriber_id=e.subscriber_id,
            email=targets[e.delivery_id].email,
            link_id=e.link_id,
            machine=e.machine,
            goal=e.goal,
            revenue=e.revenue,
            url=e.url,
        )
        for e in events
    )


def _recent_clicks(events: list[_EventRow]) -> list[tuple[int, int, dt.datetime]]:
    """Clicks of the same deliveries recorded by earlier batches, within a burst window."""
    clicks = [e for e in events if e.kind == EventKind.CLICK]
    if not clicks:
        return []
    since = min(e.at for e in clicks) - dt.timedelta(seconds=settings.TRACKING_BURST_SECONDS)
    rows = Event.objects.filter(
        delivery_id__any=list({e.delivery_id for e in clicks}),
        kind=EventKind.CLICK,
        at__gte=since,
    ).values_list("delivery_id", "link_id", "at")
    return [(d, link, at) for d, link, at in rows if link]


def _aggregate(
    events: list[_EventRow],
    targets: dict[int, _Target],
    report: IngestReport,
    *,
    counted: bool = True,
) -> None:
    """Load what the engagement rules need, decide, write, and announce the report counts.

    `counted=False` (the holdout's): the engagement only, for the experiment's lift.
    """
    engaged = {e.delivery_id for e in events if e.kind in ENGAGING}
    known = {
        row[0]: EngagementRow(*row)
        for row in Engagement.objects.filter(delivery_id__any=list(engaged)).values_list(
            *_ENGAGEMENT_COLUMNS
        )
    }
    outcome = engagement_apply(
        events,
        known=known,
        link_clicks_known=_link_clicks_known(events),
        emails={delivery_id: target.email for delivery_id, target in targets.items()},
    )
    engagement_write(outcome)
    if not counted:
        return
    # The reports app adds these to its aggregates, in this transaction.
    events_counted.send(sender=Event, counts=outcome.counts)
    for delta in outcome.counts.counters:
        for name, value in delta.counts.items():
            report.counters[name] = report.counters.get(name, 0) + value


def _link_clicks_known(events: list[_EventRow]) -> set[tuple[int, int]]:
    """The stored first clicks that may be among the batch's human clicks (none: no query)."""
    human = human_link_clicks(events)
    if not human:
        return set()
    return set(
        LinkClick.objects.filter(
            delivery_id__any=list({e.delivery_id for e in human}),
            link_id__any=list({e.link_id for e in human}),
        ).values_list("delivery_id", "link_id")
    )


def engagement_write(outcome: EngagementOutcome) -> None:
    """Write what `engagement_apply` decided, in bulk, in the caller's transaction."""
    LinkClick.objects.bulk_create(
        [
            LinkClick(delivery_id=click.delivery_id, link_id=click.link_id, at=click.at)
            for click in outcome.link_clicks
        ],
        batch_size=500,
    )
    # Changed rows are replaced rather than updated: one DELETE and one INSERT, where
    # an UPDATE of many rows with different values is a CASE per column and row.
    if outcome.replaced:
        Engagement.objects.filter(
            delivery_id__any=[row.delivery_id for row in outcome.replaced]
        ).delete()
    rows_insert(Engagement, [*outcome.created, *outcome.replaced], _ENGAGEMENT_FIELDS)
    for delta in outcome.link_deltas:
        Link.objects.filter(pk=delta.link_id).update(
            **{name: F(name) + value for name, value in delta.counts.items()}
        )


_EVENT_FIELDS = [f.name for f in Event._meta.concrete_fields if f.name != "id"]
_ENGAGEMENT_FIELDS = [f.name for f in Engagement._meta.concrete_fields]
