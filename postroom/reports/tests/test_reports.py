"""Report pages and API: numbers from aggregates, scoped to the workspace."""

import pytest
from rest_framework.test import APIClient

from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run, relay_for
from postroom.reports.models import Counter, FailedDomain
from postroom.reports.selectors import report_totals
from postroom.tracking.buffer import hits_flush
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux) Firefox/130"


def test_the_engine_counts_sent_and_failed_with_their_domains(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    smtp_server.on("person1@example.com", "rcpt", reply="550 5.1.1 No such user")
    campaign, run, _subscribers = launched_run(owner.workspace, 4)

    run_send(run.pk)

    numbers = report_totals(campaign)
    assert (numbers["sent"], numbers["failed"]) == (3, 1)
    assert FailedDomain.objects.get().failed == 1
    assert Counter.objects.filter(run=run).count() >= 1


def test_the_report_page_shows_numbers_chart_and_links(owner, smtp_server, client, login):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    html = html_of(message_for(smtp_server, subscribers[0].email))
    client.get(paths(html, "o")[0], HTTP_USER_AGENT=BROWSER)
    client.get(paths(html, "c")[0], HTTP_USER_AGENT=BROWSER)
    hits_flush()

    page = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report/")

    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-metric="sent">3<' in body and 'data-metric="opens_unique">1<' in body
    assert "report-chart-data" in body and "chart.umd.min.js" in body
    assert "https://shop.example.com/sale?x=1&amp;y=2" in body
    csv = client.get(f"/app/campaigns/{campaign.pk}/report.csv").content.decode()
    assert "opens_unique,1" in csv and "https://shop.example.com/about" in csv


def test_reports_of_another_workspace_are_not_found(owner, other_owner, smtp_server, login):
    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    client = login(other_owner.user)
    assert client.get(f"/app/campaigns/{campaign.pk}/report/").status_code == 404
    assert client.get(f"/app/campaigns/{campaign.pk}/report.csv").status_code == 404
    api = APIClient()
    api.force_authenticate(other_owner.user)
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/stats/").status_code == 404
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/links/").status_code == 404
    assert api.get("/api/v1/events/").json()["results"] == []


def test_stats_links_and_events_api(owner, smtp_server, client):
    campaign, run, subscribers = sent_campaign(owner, smtp_server)
    html = html_of(message_for(smtp_server, subscribers[2].email))
    client.get(paths(html, "c")[1], HTTP_USER_AGENT=BROWSER)
    client.get(paths(html, "o")[0], HTTP_USER_AGENT="Mozilla/5.0")
    hits_flush()
    api = APIClient()
    api.force_authenticate(owner.user)

    stats = api.get(f"/api/v1/campaigns/{campaign.pk}/stats/").json()
    assert (stats["sent"], stats["clicks_unique"], stats["opens_machine"]) == (3, 1, 1)
    assert stats["rates"]["clicked"] == pytest.approx(33.33)
    assert stats["series"][0]["sent"] == 3
    with_machines = api.get(
        f"/api/v1/campaigns/{campaign.pk}/stats/?run={run.pk}&machine=true"
    ).json()
    assert with_machines["opens"] == 1
    links = api.get(f"/api/v1/campaigns/{campaign.pk}/links/").json()
    assert [link["clicks"] for link in links if link["url"].endswith("/about")] == [1]
    events = api.get("/api/v1/events/?type=click").json()["results"]
    assert [e["kind"] for e in events] == ["click"] and events[0]["subscriber"] == subscribers[2].pk
    assert api.get("/api/v1/events/?machine=true").json()["results"][0]["kind"] == "open"
