"""Steps the push tests in Chromium share: the worker's registration, a tap, the report's numbers."""

import contextlib

from playwright.sync_api import Error as PlaywrightError

from postroom.tracking.buffer import hits_flush
from postroom.tracking.models import Event, EventKind

SHOP = "https://shop.example.com/"


def registration_of(page, scope: str) -> tuple[object, str]:
    """A DevTools session and the worker registration's id for `scope` (its ServiceWorker domain)."""
    cdp = page.context.new_cdp_session(page)
    seen: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: seen.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(100):
        ids = [r["registrationId"] for r in seen if r["scopeURL"] == scope and not r["isDeleted"]]
        if ids:
            return cdp, ids[-1]
        page.wait_for_timeout(100)
    raise AssertionError(f"no worker registration for {scope}: {seen}")


def tap(page, url: str) -> str:
    """Open a notification's URL as its tap does; the URL the shop (offline here) was asked for."""
    with page.context.expect_event("request", lambda r: r.url.startswith(SHOP)) as shop:
        window = page.context.new_page()
        with contextlib.suppress(PlaywrightError):  # the shop's name does not resolve
            window.goto(url, wait_until="commit")
    window.close()
    return shop.value.url


def report_numbers(page, campaign) -> dict[str, str]:
    """The campaign's report once the worker's receipt and the click are written (flushed here)."""
    for _ in range(100):  # the worker posts its receipt right after showing the notification
        hits_flush()  # what the web process's flush thread does every two seconds
        kinds = set(Event.objects.filter(campaign=campaign).values_list("kind", flat=True))
        if {EventKind.RECEIVED, EventKind.CLICK} <= kinds:
            break
        page.wait_for_timeout(100)
    page.goto(f"/app/campaigns/{campaign.pk}/report/")
    return {
        name: page.locator(f"#push-totals [data-metric={name}]").inner_text()
        for name in ("sent", "delivered", "clicked", "failed")
    }


def notifications_shown(page, registration: str) -> list[dict]:
    """The notifications the worker shows, read by the same call that first sees any.

    `registration` is JavaScript for the worker's registration (a promise). Seeing
    them in one call and reading them in another once failed in CI: the list was
    empty by the second call.
    """
    return page.evaluate(
        f"""async () => {{
          const registration = await {registration};
          for (let i = 0; i < 150; i++) {{
            const shown = await registration.getNotifications();
            if (shown.length) {{
              return shown.map((n) => ({{title: n.title, body: n.body, url: n.data && n.data.url}}));
            }}
            await new Promise((resolve) => setTimeout(resolve, 100));
          }}
          return [];
        }}"""
    )
