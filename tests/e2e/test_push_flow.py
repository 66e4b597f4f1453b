"""A web push from the engine to Chromium: the snippet's worker shows it, its click is recorded.

The customer's page (a local site of its own origin) loads Postroom's snippet;
its button registers the service worker (`importScripts` of /push/sw.js).
Chromium cannot reach a real push service here, so the device the campaign
sends to is a subscription of the fake Web Push service, which verifies the
VAPID JWT and decrypts the payload; that decrypted payload, exactly what the
engine encrypted, is delivered to the page's worker through the DevTools
protocol (`ServiceWorker.deliverPushMessage`). The notification is read back
with `registration.getNotifications()`, and opening its URL (what the
worker's click handler opens) records the click.
"""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from postroom.audience.models import MailingList
from postroom.audience.services.subscribers import subscriber_create
from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, Channel
from postroom.content.tests.factories import MessageFactory
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.push.models import CampaignCreative, Creative
from postroom.push.services.devices import DeviceFields, device_register
from postroom.push.services.keys import registration_key_create
from postroom.push.tests.conftest import webpush_service
from postroom.push.tests.peers.webpush import FakeWebPush
from tests.e2e.conftest import browser_page, log_in
from tests.e2e.push_steps import notifications_shown, registration_of, report_numbers, tap

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERSON = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


class CustomerSite:
    """The customer's own origin: a page with the snippet, and the one-line worker it registers."""

    def __init__(self, postroom_url: str, key: str) -> None:
        files = {
            "/": (
                "text/html",
                "<!doctype html><title>Shop</title>"
                "<button data-postroom-push>Get notifications</button>"
                f'<script src="{postroom_url}/push/snippet.js?key={key}"'
                ' data-worker="/postroom-sw.js"></script>',
            ),
            "/postroom-sw.js": (
                "application/javascript",
                f'importScripts("{postroom_url}/push/sw.js");',
            ),
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                content_type, body = files.get(self.path, ("text/plain", ""))
                self.send_response(200 if self.path in files else 404)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def person(browser, live_server):
    yield from browser_page(browser, live_server, user_agent=PERSON)


@pytest.fixture
def webpush(owner) -> Iterator[FakeWebPush]:
    yield from webpush_service(owner.workspace)


@pytest.fixture
def site(owner, live_server) -> Iterator[CustomerSite]:
    _key, raw = registration_key_create(workspace=owner.workspace, name="shop")
    customer = CustomerSite(live_server.url, raw)
    yield customer
    customer.stop()


def push_campaign(workspace, subscription) -> Campaign:
    """A running push campaign to one contact whose device is the fake service's subscription."""
    the_list = MailingList.objects.create(workspace=workspace, name="App users")
    contact = subscriber_create(workspace=workspace, external_id="app-user-1", lists=[the_list])
    device_register(
        subscriber=contact,
        kind="webpush",
        token=subscription.endpoint,
        fields=DeviceFields(p256dh=subscription.p256dh, auth=subscription.auth, platform="web"),
    )
    creative = Creative.objects.create(
        workspace=workspace,
        name="Sale",
        title="Spring sale",
        body="Everything 20% off until Sunday",
        click_url="https://shop.example.com/sale",
        data={"screen": "sale"},
    )
    campaign = Campaign.objects.create(
        workspace=workspace,
        name="Spring push",
        channel=Channel.PUSH,
        message=MessageFactory(workspace=workspace),
        start_at=creative.created_at,
        status=CampaignStatus.RUNNING,
    )
    campaign.lists.add(the_list)
    CampaignCreative.objects.create(campaign=campaign, creative=creative)
    return campaign


def test_a_push_from_the_engine_is_shown_by_the_snippets_worker_and_its_click_recorded(
    person, owner, live_server, settings, webpush, site
):
    page = person
    settings.SITE_URL = live_server.url
    settings.TRACKING_PREFETCH_SECONDS = 0
    page.context.grant_permissions(["notifications"], origin=site.url)

    # given: the customer's page, its button clicked: permission, then the worker registered
    page.goto(site.url + "/")
    page.get_by_role("button", name="Get notifications").click()
    page.wait_for_function(
        "navigator.serviceWorker.getRegistration('/').then(r => !!(r && r.active))"
    )
    cdp, registration_id = registration_of(page, site.url + "/")

    # when: the engine sends the campaign to the fake push service, which decrypts it
    campaign = push_campaign(owner.workspace, webpush.subscribe())
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=campaign.start_at)
    assert run_launch(run.pk) == 1
    assert run_send(run.pk).sent == 1
    [(_sub, payload, _headers)] = webpush.delivered
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": site.url, "registrationId": registration_id, "data": json.dumps(payload)},
    )

    # then: the worker shows it
    shown = notifications_shown(page, "navigator.serviceWorker.ready")
    assert [(n["title"], n["body"]) for n in shown] == [
        ("Spring sale", "Everything 20% off until Sunday")
    ]
    click_url = shown[0]["url"]
    assert click_url.startswith(live_server.url + "/t/c/")

    # and its click (the worker opens the notification's URL in a window) is recorded; the shop
    # is offline here, so the redirect to it is read from the window's requests
    assert tap(page, click_url).startswith("https://shop.example.com/sale")
    log_in(page, owner.user.email)
    report = report_numbers(page, campaign)
    assert (report["sent"], report["delivered"], report["clicked"]) == ("1", "1", "1")
