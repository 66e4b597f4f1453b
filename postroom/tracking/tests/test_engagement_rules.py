"""The engagement rules, from tables: what a batch of events changes, no database."""

import copy
import datetime as dt
from collections.abc import Sequence, Set
from dataclasses import dataclass
from decimal import Decimal

import pytest

from postroom.tracking.engagement import EngagementOutcome, EngagementRow, engagement_apply

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
TIMES = (
    "opened_at",
    "last_opened_at",
    "opened_any_at",
    "clicked_at",
    "last_clicked_at",
    "clicked_any_at",
    "converted_at",
)


@dataclass
class Hit:
    kind: str
    at: dt.datetime
    delivery_id: int = 1
    machine: bool = False
    link_id: int | None = None
    revenue: Decimal | None = None
    workspace_id: int = 3
    campaign_id: int = 20
    run_id: int = 10
    subscriber_id: int | None = 7


def at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


def hit(kind: str, minute: int, **kwargs) -> Hit:
    return Hit(kind=kind, at=at(minute), **kwargs)


def row(**times: int) -> EngagementRow:
    """A stored row of delivery 1, its times given in minutes after T0."""
    return EngagementRow(
        delivery_id=1,
        workspace_id=3,
        campaign_id=20,
        subscriber_id=7,
        **{name: at(minute) for name, minute in times.items()},
    )


def apply(
    events: list[Hit],
    known: Sequence[EngagementRow] = (),
    link_clicks_known: Set[tuple[int, int]] = frozenset(),
    emails: dict[int, str] | None = None,
) -> EngagementOutcome:
    return engagement_apply(
        events,
        known={r.delivery_id: r for r in known},
        link_clicks_known=link_clicks_known,
        emails=emails or {},
    )


def totals(outcome: EngagementOutcome) -> dict[str, int]:
    summed: dict[str, int] = {}
    for delta in outcome.counts.counters:
        for name, value in delta.counts.items():
            summed[name] = summed.get(name, 0) + value
    return summed


def times_of(engagement: EngagementRow) -> dict[str, int]:
    return {
        name: int((getattr(engagement, name) - T0).total_seconds() // 60)
        for name in TIMES
        if getattr(engagement, name) is not None
    }


OPEN_ALL = {"opened_at", "last_opened_at", "opened_any_at"}
CLICK_ALL = {"clicked_at", "last_clicked_at", "clicked_any_at"}


@pytest.mark.parametrize(
    ("events", "known", "counts", "times"),
    [
        pytest.param(
            [hit("open", 0)],
            [],
            {"opens": 1, "opens_unique": 1, "opens_unique_any": 1},
            dict.fromkeys(OPEN_ALL, 0),
            id="a person's first open is unique for people and for anyone",
        ),
        pytest.param(
            [hit("open", 0, machine=True)],
            [],
            {"opens_machine": 1, "opens_unique_any": 1},
            {"opened_any_at": 0},
            id="a machine's open is unique only counting machines",
        ),
        pytest.param(
            [hit("open", 0, machine=True), hit("open", 5)],
            [],
            {"opens_machine": 1, "opens_unique_any": 1, "opens": 1, "opens_unique": 1},
            {"opened_any_at": 0, "opened_at": 5, "last_opened_at": 5},
            id="a person's open after a machine's is the unique open",
        ),
        pytest.param(
            [hit("open", 0), hit("open", 3), hit("open", 9)],
            [],
            {"opens": 3, "opens_unique": 1, "opens_unique_any": 1},
            {"opened_at": 0, "opened_any_at": 0, "last_opened_at": 9},
            id="repeated opens count every time, uniquely once, the last is kept",
        ),
        pytest.param(
            [hit("open", 9), hit("open", 0), hit("open", 3)],
            [],
            {"opens": 3, "opens_unique": 1, "opens_unique_any": 1},
            {"opened_at": 0, "opened_any_at": 0, "last_opened_at": 9},
            id="events are taken in the order they happened, not the batch's",
        ),
        pytest.param(
            [hit("click", 0, link_id=4)],
            [],
            {
                "clicks": 1,
                "clicks_unique": 1,
                "clicks_unique_any": 1,
                "opens_unique": 1,
                "opens_unique_any": 1,
            },
            dict.fromkeys(OPEN_ALL | CLICK_ALL, 0),
            id="a person's click implies an open (images blocked)",
        ),
        pytest.param(
            [hit("open", 2), hit("click", 0, link_id=4)],
            [],
            {
                "clicks": 1,
                "clicks_unique": 1,
                "clicks_unique_any": 1,
                "opens": 1,
                "opens_unique": 1,
                "opens_unique_any": 1,
            },
            {**dict.fromkeys(OPEN_ALL | CLICK_ALL, 0), "last_opened_at": 2},
            id="an open after the click is not unique again but is the last open",
        ),
        pytest.param(
            [hit("open", 0), hit("click", 2, link_id=4), hit("click", 6, link_id=4)],
            [],
            {
                "opens": 1,
                "opens_unique": 1,
                "opens_unique_any": 1,
                "clicks": 2,
                "clicks_unique": 1,
                "clicks_unique_any": 1,
            },
            {
                **dict.fromkeys(OPEN_ALL, 0),
                "clicked_at": 2,
                "clicked_any_at": 2,
                "last_clicked_at": 6,
            },
            id="clicks after an open leave the last open alone",
        ),
        pytest.param(
            [hit("click", 0, link_id=4, machine=True)],
            [],
            {"clicks_machine": 1, "clicks_unique_any": 1},
            {"clicked_any_at": 0},
            id="a scanner's click implies no open and no unique click",
        ),
        pytest.param(
            [hit("click", 0, link_id=4, machine=True), hit("click", 8, link_id=4)],
            [],
            {
                "clicks_machine": 1,
                "clicks_unique_any": 1,
                "clicks": 1,
                "clicks_unique": 1,
                "opens_unique": 1,
                "opens_unique_any": 1,
            },
            {"clicked_any_at": 0, **dict.fromkeys(OPEN_ALL | {"clicked_at", "last_clicked_at"}, 8)},
            id="a person's click after a scanner's is the unique click and open",
        ),
        pytest.param(
            [hit("open", 0, machine=True), hit("click", 4, link_id=4, machine=True)],
            [],
            {
                "opens_machine": 1,
                "opens_unique_any": 1,
                "clicks_machine": 1,
                "clicks_unique_any": 1,
            },
            {"opened_any_at": 0, "clicked_any_at": 4},
            id="machines alone make no person's open",
        ),
        pytest.param(
            [hit("open", 30)],
            [row(opened_at=0, last_opened_at=0, opened_any_at=0)],
            {"opens": 1},
            {"opened_at": 0, "opened_any_at": 0, "last_opened_at": 30},
            id="an open of a delivery opened in an earlier batch is not unique",
        ),
        pytest.param(
            [hit("open", 30, machine=True)],
            [row(opened_any_at=0)],
            {"opens_machine": 1},
            {"opened_any_at": 0},
            id="a machine's open after an earlier machine's changes no time",
        ),
        pytest.param(
            [hit("click", 30, link_id=4)],
            [row(opened_any_at=0)],
            {
                "clicks": 1,
                "clicks_unique": 1,
                "clicks_unique_any": 1,
                "opens_unique": 1,
            },
            {"opened_any_at": 0, **dict.fromkeys(OPEN_ALL - {"opened_any_at"} | CLICK_ALL, 30)},
            id="a click after a machine's earlier open is the person's unique open",
        ),
        pytest.param(
            [hit("click", 30, link_id=4)],
            [row(opened_at=0, last_opened_at=5, opened_any_at=0, clicked_any_at=1)],
            {"clicks": 1, "clicks_unique": 1},
            {
                "opened_at": 0,
                "opened_any_at": 0,
                "last_opened_at": 5,
                "clicked_any_at": 1,
                "clicked_at": 30,
                "last_clicked_at": 30,
            },
            id="a first human click after a scanner's earlier one is unique for people only",
        ),
        pytest.param(
            [hit("conversion", 0, revenue=Decimal("9.50")), hit("conversion", 5)],
            [],
            {"conversions": 2},
            {"converted_at": 0},
            id="conversions count every time, the first one converts",
        ),
        pytest.param(
            [hit("conversion", 30)],
            [row(converted_at=0)],
            {"conversions": 1},
            {"converted_at": 0},
            id="a conversion after an earlier one keeps the first time",
        ),
    ],
)
def test_the_rules(events, known, counts, times):
    before = copy.deepcopy(known)

    outcome = apply(events, known)

    assert totals(outcome) == counts
    engagements = [*outcome.created, *outcome.replaced]
    assert len(engagements) == 1
    engagement = engagements[0]
    assert times_of(engagement) == times
    assert (len(outcome.created), len(outcome.replaced)) == ((0, 1) if known else (1, 0))
    assert known == before  # the stored rows it was given are left as they were


@pytest.mark.parametrize(
    ("kind", "metric"),
    [
        ("unsubscribe", "unsubscribed"),
        ("bounce_hard", "bounced_hard"),
        ("bounce_soft", "bounced_soft"),
        ("complaint", "complained"),
        ("page", "pages"),
    ],
)
def test_other_events_are_counted_without_engagement(kind, metric):
    outcome = apply([hit(kind, 0)], emails={1: "ann@Example.com"})

    assert totals(outcome) == {metric: 1}
    assert outcome.created == outcome.replaced == ()
    bounced = [(b.run_id, b.emails) for b in outcome.counts.bounced]
    assert bounced == ([(10, ("ann@Example.com",))] if kind.startswith("bounce") else [])


def test_counters_are_per_run_and_hour_in_the_order_first_counted():
    events = [
        hit("open", 70, delivery_id=2, run_id=11),
        hit("open", 0),
        hit("conversion", 75, revenue=Decimal("2.25")),
        hit("conversion", 80, revenue=Decimal("1.00")),
        hit("conversion", 5),
    ]

    outcome = apply(events)

    keys = [(d.run_id, d.hour, dict(d.counts), d.revenue) for d in outcome.counts.counters]
    assert keys == [
        (10, at(0), {"opens": 1, "opens_unique_any": 1, "opens_unique": 1, "conversions": 1}, None),
        (11, at(60), {"opens": 1, "opens_unique_any": 1, "opens_unique": 1}, None),
        (10, at(60), {"conversions": 2}, Decimal("3.25")),
    ]
    assert [r.delivery_id for r in outcome.created] == [1, 2]


def test_bounces_list_every_address_per_run():
    emails = {1: "a@x.org", 2: "b@y.org", 3: "c@x.org"}
    events = [
        hit("bounce_hard", 0, delivery_id=1),
        hit("bounce_soft", 1, delivery_id=2, run_id=11),
        hit("bounce_soft", 2, delivery_id=3),
        hit("complaint", 3, delivery_id=3),
    ]

    outcome = apply(events, emails=emails)

    assert [(b.run_id, b.emails) for b in outcome.counts.bounced] == [
        (10, ("a@x.org", "c@x.org")),
        (11, ("b@y.org",)),
    ]


@pytest.mark.parametrize(
    ("events", "known_pairs", "first", "deltas"),
    [
        pytest.param(
            [hit("click", 0, link_id=4), hit("click", 1, link_id=4), hit("click", 2, link_id=5)],
            set(),
            [(1, 4, 0), (1, 5, 2)],
            {4: {"clicks": 2, "clicks_unique": 1}, 5: {"clicks": 1, "clicks_unique": 1}},
            id="a person's first click per link is unique for that link",
        ),
        pytest.param(
            [hit("click", 0, link_id=4, machine=True), hit("click", 1, link_id=4)],
            set(),
            [(1, 4, 1)],
            {4: {"clicks_machine": 1, "clicks": 1, "clicks_unique": 1}},
            id="a scanner's click is never the link's unique click",
        ),
        pytest.param(
            [hit("click", 0, link_id=4)],
            {(1, 4)},
            [],
            {4: {"clicks": 1}},
            id="a link clicked in an earlier batch is not clicked uniquely again",
        ),
        pytest.param(
            [hit("click", 5, link_id=4, delivery_id=2), hit("click", 0, link_id=4)],
            {(2, 5)},
            [(1, 4, 0), (2, 4, 5)],
            {4: {"clicks": 2, "clicks_unique": 2}},
            id="unique per delivery and link, in the order clicked",
        ),
        pytest.param(
            [hit("click", 0), hit("open", 1)],
            set(),
            [],
            {},
            id="a click without a known link counts for no link",
        ),
    ],
)
def test_link_clicks(events, known_pairs, first, deltas):
    outcome = apply(events, link_clicks_known=known_pairs)

    minutes = [
        (c.delivery_id, c.link_id, int((c.at - T0).total_seconds() // 60))
        for c in outcome.link_clicks
    ]
    assert minutes == first
    assert {d.link_id: dict(d.counts) for d in outcome.link_deltas} == deltas
    assert [d.link_id for d in outcome.link_deltas] == sorted(deltas)


def test_a_stored_row_is_replaced_by_a_whole_copy():
    stored = row(**{name: minute for minute, name in enumerate(TIMES)})

    outcome = apply([hit("open", 30, machine=True)], [stored])

    assert outcome.replaced == (stored,) and outcome.replaced[0] is not stored
