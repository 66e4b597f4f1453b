"""A push's receipt and tap reach the tracking fast path through signed tokens; forged ones record nothing."""

import os

import pytest
from django.test import Client

from postroom.delivery.sending.tracking import tracker
from postroom.tracking.buffer import hits_flush
from postroom.tracking.fastpath import TrackingFastPath
from postroom.tracking.models import Event, EventKind, Link
from postroom.tracking.tests.pushrows import devices, push_run
from postroom.tracking.tests.test_fast_path import Recording, call, environ

pytestmark = pytest.mark.django_db

SW = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


@pytest.fixture
def pushed(owner):
    campaign, _run, deliveries = push_run(
        owner.workspace, devices(owner.workspace, ("webpush", "web"), ("fcm", "android"))
    )
    links = tracker().push_tracker(campaign, "https://shop.example.com/sale")
    return campaign, deliveries, [links.links(d.pk) for d in deliveries]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def forged(path: str) -> str:
    token = path.rstrip("/").rsplit("/", 1)[1]
    changed = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    return path.replace(token, changed)


def test_the_urls_are_absolute_and_the_click_is_the_registered_link(pushed, settings):
    campaign, _deliveries, links = pushed
    assert links[0].received.startswith(settings.SITE_URL + "/t/r/")
    assert links[0].click.startswith(settings.SITE_URL + "/t/c/")
    assert links[0].received != links[1].received
    assert list(Link.objects.filter(campaign=campaign).values_list("url", flat=True)) == [
        "https://shop.example.com/sale"
    ]


def test_a_receipt_posted_from_any_origin_becomes_a_received_event(pushed, client: Client):
    _campaign, deliveries, links = pushed
    response = client.post(
        path_of(links[0].received),
        b"{}",
        content_type="application/json",
        HTTP_ORIGIN="https://customer.example",
        HTTP_USER_AGENT=SW,
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert client.options(path_of(links[0].received)).status_code == 204
    assert client.get(path_of(links[1].received), HTTP_USER_AGENT=SW).status_code == 204

    hits_flush()
    assert sorted(
        Event.objects.filter(kind=EventKind.RECEIVED).values_list("delivery_id", flat=True)
    ) == sorted(d.pk for d in deliveries)


def test_a_forged_receipt_or_click_records_nothing(pushed, client: Client):
    _campaign, _deliveries, links = pushed
    assert client.post(forged(path_of(links[0].received)), HTTP_USER_AGENT=SW).status_code == 204
    assert client.get(forged(path_of(links[0].click)), HTTP_USER_AGENT=SW).status_code == 404
    assert client.post(forged(path_of(links[0].click)), HTTP_USER_AGENT=SW).status_code == 404
    # A click token is no receipt token, and the other way round.
    click_token = path_of(links[0].click).rstrip("/").rsplit("/", 1)[1]
    assert client.post(f"/t/r/{click_token}/", HTTP_USER_AGENT=SW).status_code == 204
    hits_flush()
    assert not Event.objects.exists()


def test_a_tap_redirects_to_the_link_and_a_posted_tap_is_recorded_without_one(pushed, client):
    _campaign, deliveries, links = pushed
    tap = client.get(path_of(links[0].click), HTTP_USER_AGENT=SW)
    assert tap.status_code == 302 and tap["Location"].startswith("https://shop.example.com/sale?")
    assert "utm_medium=push" in tap["Location"]
    posted = client.post(path_of(links[1].click), HTTP_USER_AGENT=SW)
    assert posted.status_code == 204 and posted["Access-Control-Allow-Origin"] == "*"
    hits_flush()
    clicks = Event.objects.filter(kind=EventKind.CLICK)
    assert sorted(clicks.values_list("delivery_id", flat=True)) == sorted(d.pk for d in deliveries)


def test_a_deep_link_is_recorded_and_not_redirected(owner, client):
    campaign, _run, deliveries = push_run(
        owner.workspace, devices(owner.workspace, ("fcm", "android"))
    )
    links = tracker().push_tracker(campaign, "shopapp://orders/1").links(deliveries[0].pk)
    assert client.get(path_of(links.click), HTTP_USER_AGENT=SW).status_code == 204
    fast = TrackingFastPath(Recording())
    assert call(fast, environ(path_of(links.click)))[0] == "204 No Content"
    hits_flush()
    assert Event.objects.filter(kind=EventKind.CLICK).count() == 2


def test_the_fast_path_answers_receipts_as_django_does(pushed):
    _campaign, _deliveries, links = pushed
    django = Recording()
    fast = TrackingFastPath(django)
    received = path_of(links[0].received)
    requests = [
        environ(received, "POST", CONTENT_TYPE="application/json", data=b'{"shown":true}'),
        environ(received),
        environ(received, "OPTIONS"),
        environ(forged(received), "POST"),
    ]
    for request in requests:
        fast_answer = call(fast, request)
        django_answer = call(django.handler, request)
        assert fast_answer[0] == django_answer[0] == "204 No Content"
        assert sorted(fast_answer[1]) == sorted(django_answer[1])
    assert django.calls == 0
    hits_flush()
    # The POST and the GET, through both: four.
    assert Event.objects.filter(kind=EventKind.RECEIVED).count() == 4


def test_a_large_body_goes_to_django(pushed):
    _campaign, _deliveries, links = pushed
    django = Recording()
    fast = TrackingFastPath(django)
    request = environ(path_of(links[0].received), "POST", data=b"x" * 5000)
    assert call(fast, request)[0] == "204 No Content"
    assert django.calls == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_receipts_wait_in_the_redis_buffer_like_opens(pushed, settings):
    from postroom.tracking import buffer as buffers

    settings.TRACKING_REDIS_URL = os.environ["REDIS_URL"]
    settings.TRACKING_FLUSH_SIZE = 1000
    current = buffers.RedisBuffer(settings.TRACKING_REDIS_URL)
    current.outbox.send()
    current.redis.delete(buffers.hits_key())
    _campaign, _deliveries, links = pushed
    fast = TrackingFastPath(Recording())
    for link in links:
        assert call(fast, environ(path_of(link.received), "POST"))[0] == "204 No Content"
    assert current.waiting() == 2 and not Event.objects.exists()
    assert hits_flush() == 2
    assert Event.objects.filter(kind=EventKind.RECEIVED).count() == 2


def test_without_click_tracking_the_click_url_is_empty_and_no_link_is_registered(owner):
    campaign, _run, deliveries = push_run(
        owner.workspace, devices(owner.workspace, ("fcm", "android")), track_clicks=False
    )
    links = (
        tracker().push_tracker(campaign, "https://shop.example.com/sale").links(deliveries[0].pk)
    )
    assert links.click == "" and "/t/r/" in links.received
    assert not Link.objects.filter(campaign=campaign).exists()


def test_size_checks_allow_for_the_tracking_urls(settings):
    from postroom.push.payloads import Notification, as_tracked, payload_size

    note = Notification(title="Hi", body="Sale", click_url="https://a.example/")
    tracked = as_tracked(note)
    assert tracked.received.startswith(settings.SITE_URL + "/t/r/")
    assert tracked.click_url.startswith(settings.SITE_URL + "/t/c/")
    assert payload_size("fcm", tracked) > payload_size("fcm", note) + 2 * len(settings.SITE_URL)
    # A link longer than a click URL is kept (the click URL would be shorter).
    long = Notification(title="Hi", body="Sale", click_url="https://a.example/" + "x" * 200)
    assert as_tracked(long).click_url == long.click_url


def test_a_tap_seconds_after_the_push_is_a_persons_not_a_link_scanners(pushed, client, settings):
    # Mail is opened by link scanners right after delivery; nothing scans a notification.
    from django.utils import timezone

    from postroom.delivery.models import Delivery

    settings.TRACKING_SCANNER_SECONDS = 10
    _campaign, deliveries, links = pushed
    Delivery.objects.filter(pk=deliveries[0].pk).update(sent_at=timezone.now())

    client.get(path_of(links[0].click), HTTP_USER_AGENT=SW)
    hits_flush()

    (click,) = Event.objects.filter(kind=EventKind.CLICK)
    assert not click.machine
