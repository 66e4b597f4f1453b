"""The snippet's conversions come from a browser: what one visitor token can claim is bounded."""

import datetime as dt
from decimal import Decimal

import orjson
import pytest
import time_machine

from postroom.reports.selectors import report_totals
from postroom.tracking.buffer import hits_flush
from postroom.tracking.tests.helpers import sent_campaign
from postroom.tracking.tests.test_conversions import visitor_after_click

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inside_one_hour():
    """Rate limits count per clock hour: keep each test inside one, whenever it runs."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=True):
        yield


def test_one_visitor_token_records_a_bounded_number_of_conversions(owner, smtp_server, client):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    visitor = visitor_after_click(client, smtp_server, subscribers[0].email)

    answers = [
        client.post(
            "/t/b/",
            orjson.dumps(
                {"v": visitor, "type": "conversion", "revenue": "1000.00", "id": f"order-{i}"}
            ),
            content_type="text/plain",
        ).status_code
        for i in range(30)
    ]
    hits_flush()

    # the same answer throughout (a script learns nothing), but only the first ten count
    assert set(answers) == {204}
    numbers = report_totals(campaign)
    assert numbers["conversions"] == 10
    assert numbers["revenue"] == Decimal("10000.00")
