"""The engagement rules: what a batch of new events changes, decided without the database.

`engagement_apply` takes the batch (the machine flag already decided) and
what is already stored about the deliveries it touches, and returns what to
write: engagement rows to create or replace, first clicks per link, link
counters and the report counters per run and hour. The ingest loads its
inputs and writes its outcome (`postroom.tracking.ingest`).

The rules, in the order the events happened:
- every open and click counts in total, as a person's or a machine's;
- the first open or click of a delivery by anyone is a unique `_any` one;
- a person's first click is a unique click, and a person's click is an open
  too (images blocked), so it may be the unique open;
- a machine never makes a unique (people only) open or click;
- bounces, complaints, unsubscribes, web views and conversions are counted
  (revenue added), bounces also per domain of the address.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from postroom.core.hours import hour_of
from postroom.tracking.models import EventKind
from postroom.tracking.signals import CounterDelta, EventCounts, RunBounces

ENGAGING = (EventKind.OPEN, EventKind.CLICK, EventKind.CONVERSION)
_COUNTED: dict[str, str] = {
    EventKind.UNSUBSCRIBE: "unsubscribed",
    EventKind.BOUNCE_HARD: "bounced_hard",
    EventKind.BOUNCE_SOFT: "bounced_soft",
    EventKind.COMPLAINT: "complained",
    EventKind.PAGE: "pages",
}
_BOUNCES = (EventKind.BOUNCE_HARD, EventKind.BOUNCE_SOFT)


class EngagementEvent(Protocol):
    """A new event as the rules read it (the ingest's event rows are ones)."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> dt.datetime: ...
    @property
    def workspace_id(self) -> int: ...
    @property
    def campaign_id(self) -> int: ...
    @property
    def run_id(self) -> int: ...
    @property
    def delivery_id(self) -> int: ...
    @property
    def subscriber_id(self) -> int | None: ...
    @property
    def link_id(self) -> int | None: ...
    @property
    def machine(self) -> bool: ...
    @property
    def revenue(self) -> Decimal | None: ...


@dataclass(slots=True)
class EngagementRow:
    """An Engagement row, its fields in the model's column order (see the model's docstring)."""

    delivery_id: int
    workspace_id: int
    campaign_id: int
    subscriber_id: int | None
    opened_at: dt.datetime | None = None
    last_opened_at: dt.datetime | None = None
    opened_any_at: dt.datetime | None = None
    clicked_at: dt.datetime | None = None
    last_clicked_at: dt.datetime | None = None
    clicked_any_at: dt.datetime | None = None
    converted_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class LinkFirstClick:
    """A person's first click of a delivery on a link: a per-link unique click."""

    delivery_id: int
    link_id: int
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class LinkDelta:
    """What the batch adds to one link's counters (clicks, clicks_machine, clicks_unique)."""

    link_id: int
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class EngagementOutcome:
    """What to write for a batch: `replaced` rows existed before it and were touched by it."""

    created: tuple[EngagementRow, ...] = ()
    replaced: tuple[EngagementRow, ...] = ()
    link_clicks: tuple[LinkFirstClick, ...] = ()
    link_deltas: tuple[LinkDelta, ...] = ()
    counts: EventCounts = field(default_factory=EventCounts)


def human_link_clicks(events: Sequence[EngagementEvent]) -> list[EngagementEvent]:
    """The batch's clicks by people on a known link: the ones that may be a link's unique click."""
    return [e for e in events if e.kind == EventKind.CLICK and not e.machine and e.link_id]


def engagement_apply(
    events: Sequence[EngagementEvent],
    *,
    known: Mapping[int, EngagementRow],
    link_clicks_known: Set[tuple[int, int]],
    emails: Mapping[int, str],
) -> EngagementOutcome:
    """Decide what `events` change; reads no database and changes none of its arguments.

    `known`: the stored Engagement rows of the batch's deliveries, by delivery id;
    `link_clicks_known`: the stored (delivery id, link id) first clicks of the
    batch's human clicks; `emails`: the address of each delivery (for bounces).
    """
    tally = _Tally()
    created: dict[int, EngagementRow] = {}
    replaced: dict[int, EngagementRow] = {}
    for event in sorted(events, key=_moment):
        tally.count(event, emails)
        if event.kind not in ENGAGING:
            continue
        delivery_id = event.delivery_id
        row = created.get(delivery_id) or replaced.get(delivery_id)
        if row is None and delivery_id in known:
            row = replaced[delivery_id] = _row_copy(known[delivery_id])
        elif row is None:
            row = created[delivery_id] = EngagementRow(
                delivery_id=delivery_id,
                workspace_id=event.workspace_id,
                campaign_id=event.campaign_id,
                subscriber_id=event.subscriber_id,
            )
        _engagement_update(row, event, tally)
    first = _link_first_clicks(events, link_clicks_known)
    return EngagementOutcome(
        created=tuple(created.values()),
        replaced=tuple(replaced.values()),
        link_clicks=first,
        link_deltas=_link_deltas(events, first),
        counts=tally.counts(),
    )


def _moment(event: EngagementEvent) -> dt.datetime:
    return event.at


def _row_copy(row: EngagementRow) -> EngagementRow:
    # Field by field: a batch copies thousands, and dataclasses.replace costs ten times more.
    return EngagementRow(
        row.delivery_id,
        row.workspace_id,
        row.campaign_id,
        row.subscriber_id,
        row.opened_at,
        row.last_opened_at,
        row.opened_any_at,
        row.clicked_at,
        row.last_clicked_at,
        row.clicked_any_at,
        row.converted_at,
    )


class _Tally:
    """Report counters per (campaign, run, hour), in the order they were first counted."""

    def __init__(self) -> None:
        self._counters: dict[tuple[int, int, dt.datetime], dict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        self._revenue: dict[tuple[int, int, dt.datetime], Decimal] = {}
        self._bounced: dict[tuple[int, int], list[str]] = defaultdict(list)
        self._event: EngagementEvent | None = None
        self._deltas: dict[str, int] = {}

    def add(self, event: EngagementEvent, metric: str) -> None:
        # An event adds up to three metrics: find its row of counters once.
        if event is not self._event:
            self._event = event
            self._deltas = self._counters[(event.campaign_id, event.run_id, hour_of(event.at))]
        self._deltas[metric] += 1

    def count(self, event: EngagementEvent, emails: Mapping[int, str]) -> None:
        """The counters every kind adds whatever was known before: all but opens and clicks."""
        kind = event.kind
        if kind in _COUNTED:
            self.add(event, _COUNTED[kind])
            if kind in _BOUNCES:
                self._bounced[(event.campaign_id, event.run_id)].append(emails[event.delivery_id])
        if kind == EventKind.CONVERSION:
            self.add(event, "conversions")
            if event.revenue:
                key = (event.campaign_id, event.run_id, hour_of(event.at))
                self._revenue[key] = self._revenue.get(key, Decimal(0)) + event.revenue

    def counts(self) -> EventCounts:
        return EventCounts(
            counters=tuple(
                CounterDelta(
                    campaign_id=campaign_id,
                    run_id=run_id,
                    hour=hour,
                    counts=dict(deltas),
                    revenue=self._revenue.get((campaign_id, run_id, hour)),
                )
                for (campaign_id, run_id, hour), deltas in self._counters.items()
            ),
            bounced=tuple(
                RunBounces(campaign_id=campaign_id, run_id=run_id, emails=tuple(emails))
                for (campaign_id, run_id), emails in self._bounced.items()
            ),
        )


def _engagement_update(row: EngagementRow, event: EngagementEvent, tally: _Tally) -> None:
    """Apply one open, click or conversion to its delivery's row, counting what it adds."""
    at = event.at
    if event.kind == EventKind.CONVERSION:
        row.converted_at = row.converted_at or at
        return
    if event.kind == EventKind.OPEN:
        tally.add(event, "opens_machine" if event.machine else "opens")
        if row.opened_any_at is None:
            row.opened_any_at = at
            tally.add(event, "opens_unique_any")
    else:
        tally.add(event, "clicks_machine" if event.machine else "clicks")
        if row.clicked_any_at is None:
            row.clicked_any_at = at
            tally.add(event, "clicks_unique_any")
    if event.machine:
        return
    if event.kind == EventKind.CLICK:
        if row.clicked_at is None:
            row.clicked_at = at
            tally.add(event, "clicks_unique")
        row.last_clicked_at = at
    # A person who clicked has opened, even with images blocked.
    if row.opened_at is None:
        row.opened_at = at
        tally.add(event, "opens_unique")
        if row.opened_any_at is None:
            row.opened_any_at = at
            tally.add(event, "opens_unique_any")
    if event.kind == EventKind.OPEN or row.last_opened_at is None:
        row.last_opened_at = at


def _link_first_clicks(
    events: Sequence[EngagementEvent], known: Set[tuple[int, int]]
) -> tuple[LinkFirstClick, ...]:
    """Human clicks on a link this delivery had not clicked before (per-link unique clicks)."""
    first: dict[tuple[int, int], LinkFirstClick] = {}
    for event in sorted(human_link_clicks(events), key=_moment):
        key = (event.delivery_id, int(event.link_id or 0))
        if key not in known and key not in first:
            first[key] = LinkFirstClick(delivery_id=key[0], link_id=key[1], at=event.at)
    return tuple(first.values())


def _link_deltas(
    events: Sequence[EngagementEvent], first: tuple[LinkFirstClick, ...]
) -> tuple[LinkDelta, ...]:
    per_link: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        if event.kind == EventKind.CLICK and event.link_id:
            per_link[event.link_id]["clicks_machine" if event.machine else "clicks"] += 1
    for click in first:
        per_link[click.link_id]["clicks_unique"] += 1
    return tuple(
        LinkDelta(link_id=link_id, counts=dict(deltas))
        for link_id, deltas in sorted(per_link.items())
    )
