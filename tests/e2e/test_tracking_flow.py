"""Send, open and click from the sandbox, unsubscribe in one click, and watch the report move."""

import re

import pytest

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.tests.factories import MessageFactory
from postroom.delivery.tests.factories import audience
from postroom.tracking.buffer import hits_flush
from tests.e2e.conftest import browser_page, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = (
    "<p>Hi {{ subscriber.full_name }}</p>"
    '<p><a href="https://shop.example.com/sale">See the sale</a></p>'
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>'
)


@pytest.fixture
def person(browser, live_server):
    """A browser that says what a person's does (headless Chromium counts as a scanner)."""
    yield from browser_page(
        browser,
        live_server,
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
    )


def test_a_campaign_opened_clicked_and_unsubscribed_from_the_sandbox(
    person, owner, live_server, settings
):
    page = person
    settings.SITE_URL = live_server.url
    settings.TRACKING_PREFETCH_SECONDS = 0  # the sandbox is opened right after sending
    settings.TRACKING_SCANNER_SECONDS = 0
    mailing_list, _ = audience(owner.workspace, 3)
    message = MessageFactory(workspace=owner.workspace, body=BODY)
    campaign = CampaignFactory(workspace=owner.workspace, name="Autumn sale", message=message)
    campaign.lists.add(mailing_list)
    log_in(page, owner.user.email)

    page.goto(f"/app/campaigns/{campaign.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    page.locator("#campaign-progress [data-status=sent]", has_text="3").wait_for()

    page.goto("/app/sandbox/")
    page.get_by_role("link", name="Hello Pat").first.click()
    page.wait_for_url(re.compile(r"/app/sandbox/\d+/$"))
    frame = page.frame_locator("iframe[title=HTML]")
    frame.locator("body", has_text="Hi Pat").wait_for()  # the pixel loads with it
    # The click opens a tab, as a mail client would; the shop is offline here, so the
    # redirect to it is read from the tab's requests.
    with (
        page.context.expect_page() as tab,
        page.context.expect_event(
            "request", lambda request: request.url.startswith("https://shop.example.com/")
        ) as shop,
    ):
        frame.get_by_role("link", name="See the sale").click()
    assert "utm_campaign=autumn-sale" in shop.value.url and "pr_v=" in shop.value.url
    tab.value.close()
    with page.context.expect_page() as unsubscribed:
        page.get_by_role("button", name="One-click unsubscribe").click()
    unsubscribed.value.locator("#unsubscribed").wait_for()
    hits_flush()  # what the web process's flush thread does every two seconds

    page.goto(f"/app/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Report").click()
    page.wait_for_url(re.compile(r"/report/$"))
    assert page.locator("[data-metric=sent]").inner_text() == "3"
    assert page.locator("[data-metric=opens_unique]").inner_text() == "1"
    assert page.locator("[data-metric=clicks_unique]").inner_text() == "1"
    assert page.locator("[data-metric=unsubscribed]").inner_text() == "1"
    assert "https://shop.example.com/sale" in page.locator("#report-links").inner_text()
    page.wait_for_function("document.getElementById('report-chart').dataset.drawn === '1'")
