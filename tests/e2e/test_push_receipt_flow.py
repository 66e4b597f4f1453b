"""A push delivered to the service worker in Chromium: shown, its receipt counted, its tap redirected."""

import json
import time

import pytest
from django.utils import translation

from postroom.delivery.sending.tracking import tracker
from postroom.tracking.buffer import hits_flush
from postroom.tracking.models import Event, EventKind
from postroom.tracking.tests.pushrows import devices, push_run
from tests.e2e.conftest import browser_page, log_in
from tests.e2e.push_steps import notifications_shown

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The worker's scope is /push/, not this page's: wait for it to activate, not for `ready`.
WORKER_READY = """async () => {
  const registration = await navigator.serviceWorker.register("/push/sw.js");
  for (let i = 0; i < 100 && !registration.active; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Boolean(registration.active);
}"""


@pytest.fixture
def person(browser, live_server):
    yield from browser_page(
        browser,
        live_server,
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
        permissions=["notifications"],
    )


def _events(kind: str, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        hits_flush()
        found = Event.objects.filter(kind=kind).count()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_service_worker_shows_a_push_and_reports_it_received(
    person, owner, live_server, settings
):
    page = person
    settings.SITE_URL = live_server.url
    campaign, _run, deliveries = push_run(
        owner.workspace, devices(owner.workspace, ("webpush", "web"))
    )
    links = (
        tracker().push_tracker(campaign, "https://shop.example.com/sale").links(deliveries[0].pk)
    )
    page.goto("/accounts/login/")
    assert page.evaluate(WORKER_READY)
    cdp = page.context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    payload = {
        "title": "Spring sale",
        "body": "20% off",
        "url": links.click,
        "received": links.received,
    }

    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registrations[0],
            "data": json.dumps(payload),
        },
    )

    assert _events(EventKind.RECEIVED) == 1
    shown = notifications_shown(page, 'navigator.serviceWorker.getRegistration("/push/")')
    assert [(n["title"], n["url"]) for n in shown] == [("Spring sale", links.click)]
    # A tap opens the notification's URL: the click redirect, counted, to the shop (offline here).
    tap = page.request.get(links.click, max_redirects=0)
    assert tap.status == 302 and tap.headers["location"].startswith("https://shop.example.com/sale")
    assert _events(EventKind.CLICK) == 1

    log_in(page, owner.user.email)
    with translation.override("en"):
        page.goto(f"/app/campaigns/{campaign.pk}/report/")
    assert page.locator("[data-metric=delivered]").inner_text() == "1"
    assert page.locator("[data-metric=clicked]").inner_text() == "1"
    assert "Web Push" in page.locator("#push-platforms").inner_text()
