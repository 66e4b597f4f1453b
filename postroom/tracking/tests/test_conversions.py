"""Conversions and page views: the visitor token from a click, the snippet and the API."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from postroom.reports.selectors import report_totals
from postroom.tracking.buffer import hits_flush
from postroom.tracking.models import Engagement, Event
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db


def visitor_after_click(client, smtp_server, email):
    click = paths(html_of(message_for(smtp_server, email)), "c")[0]
    location = client.get(click, HTTP_USER_AGENT="Mozilla/5.0 (X11) Firefox/130")["Location"]
    return parse_qs(urlsplit(location).query)["pr_v"][0]


def test_the_snippet_records_page_views_and_conversions(owner, smtp_server, client):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    visitor = visitor_after_click(client, smtp_server, subscribers[0].email)
    snippet = client.get("/t/snippet.js")
    assert snippet.status_code == 200 and "sendBeacon" in snippet.content.decode()

    def beacon(**data):
        return client.post(
            "/t/b/",
            orjson.dumps({"v": visitor, **data}),
            content_type="text/plain",
            HTTP_ORIGIN="https://shop.example.com",
        )

    assert beacon(type="page", url="https://shop.example.com/sale").status_code == 204
    response = beacon(type="conversion", goal="purchase", revenue="49.90", id="order-1")
    assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == "*"
    beacon(type="conversion", goal="purchase", revenue="49.90", id="order-1")  # sent twice
    assert beacon(type="conversion", revenue="lots").status_code == 400
    assert (
        client.post(
            "/t/b/", b'{"v": "1.forged", "type": "page"}', content_type="text/plain"
        ).status_code
        == 204
    )
    hits_flush()

    numbers = report_totals(campaign)
    assert (numbers["pages"], numbers["conversions"]) == (1, 1)
    assert numbers["revenue"] == Decimal("49.90")
    assert Engagement.objects.get(subscriber=subscribers[0]).converted_at is not None


def test_server_to_server_conversions_are_idempotent_and_scoped(
    owner, other_owner, smtp_server, client, login
):
    from rest_framework.test import APIClient

    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    visitor = visitor_after_click(client, smtp_server, subscribers[0].email)
    api = APIClient()
    api.force_authenticate(owner.user)
    body = {"visitor": visitor, "goal": "signup", "revenue": "10.00", "event_id": "crm-42"}

    first = api.post("/api/v1/conversions/", body, format="json")
    again = api.post("/api/v1/conversions/", body, format="json")

    assert first.status_code == 201 and first.json()["campaign"] == campaign.pk
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert report_totals(campaign)["conversions"] == 1
    assert api.get("/api/v1/conversions/").json()["results"][0]["goal"] == "signup"

    stranger = APIClient()
    stranger.force_authenticate(other_owner.user)
    refused = stranger.post("/api/v1/conversions/", {**body, "event_id": "x"}, format="json")
    assert refused.status_code == 400  # another workspace's visitor is unknown to them
    assert stranger.get("/api/v1/conversions/").json()["results"] == []
    forged = api.post("/api/v1/conversions/", {**body, "visitor": "1.AAAAAAAAAAA"}, format="json")
    assert forged.status_code == 400
    assert Event.objects.filter(kind="conversion").count() == 1
