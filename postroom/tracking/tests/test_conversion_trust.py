"""The snippet's conversions come from a browser: what one visitor token can claim is bounded."""

from decimal import Decimal

import orjson
import pytest

from postroom.reports.selectors import report_totals
from postroom.tracking.buffer import hits_flush
from postroom.tracking.tests.helpers import sent_campaign
from postroom.tracking.tests.test_conversions import visitor_after_click

pytestmark = pytest.mark.django_db


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
