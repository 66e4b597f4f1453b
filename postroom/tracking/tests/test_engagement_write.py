"""The engagement writer: an outcome of the rules into rows, in bulk."""

import datetime as dt

import pytest

from postroom.tracking.engagement import (
    EngagementOutcome,
    EngagementRow,
    LinkDelta,
    LinkFirstClick,
)
from postroom.tracking.ingest import engagement_write
from postroom.tracking.models import Engagement, Link, LinkClick

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def engagement(delivery_id: int, **times: dt.datetime) -> EngagementRow:
    return EngagementRow(
        delivery_id=delivery_id, workspace_id=1, campaign_id=2, subscriber_id=None, **times
    )


def test_it_creates_new_rows_and_replaces_changed_ones():
    Engagement.objects.create(delivery_id=1, workspace_id=1, campaign_id=2, opened_any_at=T0)
    Engagement.objects.create(delivery_id=2, workspace_id=1, campaign_id=2, opened_at=T0)
    later = T0 + dt.timedelta(hours=1)

    engagement_write(
        EngagementOutcome(
            created=(engagement(3, clicked_any_at=later),),
            replaced=(engagement(1, opened_any_at=T0, opened_at=later, last_opened_at=later),),
        )
    )

    rows = {
        row.delivery_id: (row.opened_at, row.opened_any_at, row.clicked_any_at)
        for row in Engagement.objects.all()
    }
    assert rows == {1: (later, T0, None), 2: (T0, None, None), 3: (None, None, later)}


def test_it_stores_first_clicks_and_adds_to_link_counters():
    link = Link.objects.create(campaign_id=2, url="https://a.example/", url_hash="a", clicks=5)

    engagement_write(
        EngagementOutcome(
            link_clicks=(LinkFirstClick(delivery_id=1, link_id=link.pk, at=T0),),
            link_deltas=(
                LinkDelta(
                    link_id=link.pk, counts={"clicks": 2, "clicks_machine": 1, "clicks_unique": 1}
                ),
            ),
        )
    )

    link.refresh_from_db()
    assert (link.clicks, link.clicks_machine, link.clicks_unique) == (7, 1, 1)
    assert list(LinkClick.objects.values_list("delivery_id", "link_id", "at")) == [(1, link.pk, T0)]


def test_an_empty_outcome_writes_nothing(django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        engagement_write(EngagementOutcome())
