"""Opens, clicks, machines, unsubscribes and conversions into events and report numbers."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from postroom.audience.models import Subscription, SubscriptionStatus
from postroom.delivery.models import Delivery
from postroom.reports.selectors import report_links, report_totals
from postroom.tracking.buffer import _LOCAL, hits_flush
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.models import Engagement, Event
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130 Safari/537.36"


def totals(campaign, **kwargs):
    return report_totals(campaign, **kwargs)


def test_opens_count_once_per_person_and_every_time_in_total(owner, smtp_server, client):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    pixel = paths(html_of(message_for(smtp_server, subscribers[0].email)), "o")[0]

    for _ in range(3):
        response = client.get(pixel, HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert not Event.objects.exists()  # buffered: no write per hit
    hits_flush()

    numbers = totals(campaign)
    assert (numbers["sent"], numbers["delivered"]) == (3, 3)
    assert (numbers["opens"], numbers["opens_unique"]) == (3, 1)
    assert numbers["rates"]["opened"] == pytest.approx(33.33)
    engagement = Engagement.objects.get()
    assert engagement.subscriber_id == subscribers[0].pk and engagement.opened_at


def test_a_forged_pixel_still_answers_with_an_image_and_records_nothing(client):
    response = client.get("/t/o/1.AAAAAAAAAAA/")
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert hits_flush() == 0


def test_a_click_counts_per_link_and_implies_an_open(owner, smtp_server, client):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    clicks = paths(html_of(message_for(smtp_server, subscribers[1].email)), "c")

    client.get(clicks[0], HTTP_USER_AGENT=BROWSER)
    client.get(clicks[0], HTTP_USER_AGENT=BROWSER)
    hits_flush()

    numbers = totals(campaign)
    assert (numbers["clicks"], numbers["clicks_unique"]) == (2, 1)
    assert numbers["opens_unique"] == 1  # images blocked, but a click means it was opened
    links = {link["url"]: link for link in report_links(campaign, delivered=3)}
    sale = links["https://shop.example.com/sale?x=1&y=2"]
    assert (sale["clicks"], sale["clicks_unique"]) == (2, 1)
    assert links["https://shop.example.com/about"]["clicks"] == 0


def test_privacy_proxies_and_scanners_are_flagged_and_left_out_of_rates(owner, smtp_server, client):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    html = html_of(message_for(smtp_server, subscribers[0].email))
    client.get(paths(html, "o")[0], HTTP_USER_AGENT="Mozilla/5.0")  # Apple MPP
    client.get(paths(html, "c")[0], HTTP_USER_AGENT="python-requests/2.32")
    client.head(paths(html, "c")[1], HTTP_USER_AGENT=BROWSER)  # checked, not followed
    hits_flush()

    assert set(Event.objects.values_list("machine", flat=True)) == {True}
    people = totals(campaign)
    assert (people["opens"], people["opens_unique"], people["clicks_unique"]) == (0, 0, 0)
    assert (people["opens_machine"], people["clicks_machine"]) == (1, 2)
    everyone = totals(campaign, machine=True)
    assert (everyone["opens"], everyone["opens_unique"]) == (1, 1)
    assert (everyone["clicks"], everyone["clicks_unique"]) == (2, 1)


def test_clicks_on_every_link_at_once_are_a_scanner(owner, smtp_server, settings):
    settings.TRACKING_BURST_LINKS = 2
    campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    delivery = Delivery.objects.get(run=run)
    links = list(campaign_links(campaign))
    now = timezone.now().timestamp()
    hits = [
        {
            "u": f"b{i}",
            "k": "click",
            "d": delivery.pk,
            "l": link,
            "t": now + i * 0.1,
            "a": "browser",
        }
        for i, link in enumerate(links)
    ]

    hits_ingest(hits)

    assert set(Event.objects.values_list("machine", flat=True)) == {True}
    assert totals(campaign)["clicks_unique"] == 0


def test_a_click_seconds_after_sending_is_a_scanner(owner, smtp_server):
    campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    delivery = Delivery.objects.get(run=run)
    sent_at = delivery.sent_at.timestamp()
    link = campaign_links(campaign)[0]

    hits_ingest(
        [{"u": "s1", "k": "click", "d": delivery.pk, "l": link, "t": sent_at + 3, "a": "browser"}]
    )
    hits_ingest(
        [{"u": "s2", "k": "click", "d": delivery.pk, "l": link, "t": sent_at + 60, "a": "browser"}]
    )

    assert list(Event.objects.order_by("id").values_list("machine", flat=True)) == [True, False]


def test_replayed_hits_change_nothing(owner, smtp_server):
    campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=2)
    delivery = Delivery.objects.filter(run=run).first()
    at = (timezone.now() + dt.timedelta(minutes=5)).timestamp()
    hits = [
        {"u": "r1", "k": "open", "d": delivery.pk, "t": at, "a": "browser"},
        {
            "u": "r2",
            "k": "click",
            "d": delivery.pk,
            "l": campaign_links(campaign)[0],
            "t": at,
            "a": "browser",
        },
    ]

    first = hits_ingest(hits)
    before = totals(campaign)
    second = hits_ingest(hits)

    assert (first.recorded, second.recorded, second.duplicates) == (2, 0, 2)
    assert totals(campaign) == before
    assert Event.objects.count() == 2


def test_one_click_unsubscribe_is_counted_once_for_its_campaign(owner, smtp_server):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=2)
    header = message_for(smtp_server, subscribers[0].email)["List-Unsubscribe"]
    url = header.split("<", 1)[1].split(">", 1)[0]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    provider = Client(enforce_csrf_checks=True)

    assert provider.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert provider.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    hits_flush()

    assert (
        Subscription.objects.get(subscriber=subscribers[0]).status
        == SubscriptionStatus.UNSUBSCRIBED
    )
    assert totals(campaign)["unsubscribed"] == 1


def test_hits_wait_in_the_process_until_a_flush(owner, smtp_server, client, settings):
    settings.TRACKING_FLUSH_SIZE = 1000
    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    pixel = paths(html_of(message_for(smtp_server, subscribers[0].email)), "o")[0]
    client.get(pixel, HTTP_USER_AGENT=BROWSER)
    assert _LOCAL.waiting() == 1 and not Event.objects.exists()
    assert _LOCAL.flush() == 1  # what the flush thread and the exit hook call
    assert Event.objects.count() == 1 and _LOCAL.waiting() == 0


def campaign_links(campaign):
    from postroom.tracking.models import Link

    return list(Link.objects.filter(campaign=campaign).order_by("id").values_list("id", flat=True))
