"""The push sandbox as a new user meets it: subscribe the demo page, send, see the notification."""

import re

import pytest

from postroom.campaigns.models import Campaign
from postroom.push.models import Creative
from postroom.push.services.demo import DEMO_LIST_NAME
from tests.e2e.conftest import browser_page, log_in
from tests.e2e.push_steps import notifications_shown, report_numbers, tap

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERSON = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
WORKER = (
    "navigator.serviceWorker.getRegistration(document.getElementById('push-demo').dataset.worker)"
)


@pytest.fixture
def person(browser, live_server):
    yield from browser_page(browser, live_server, user_agent=PERSON)


def campaign_sent_from_the_app(page, workspace) -> Campaign:
    """A web-push campaign to the demo list, made and sent in the app as a new user would."""
    Creative.objects.create(
        workspace=workspace,
        name="Hello",
        title="Hello from the sandbox",
        body="Tap to see the sale",
        click_url="https://shop.example.com/sale",
    )
    page.goto("/app/campaigns/new/")
    page.fill("#campaign-form input[name=name]", "Sandbox push")
    page.select_option("#campaign-form select[name=channel]", "push")
    # a push campaign sends its creative: the email message is not asked for
    assert page.locator("#message-field").is_hidden()
    page.select_option("#campaign-form select[name=creative]", label="Hello")
    page.get_by_label(DEMO_LIST_NAME).first.check()
    page.fill("#campaign-form input[name=start_at]", "2026-01-01T09:00")
    page.click("#campaign-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/campaigns/\d+/$"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    page.locator("#campaign-progress [data-status=sent]", has_text="1").wait_for()
    return Campaign.objects.get(workspace=workspace, name="Sandbox push")


def test_the_demo_page_subscribes_in_the_sandbox_and_shows_a_sent_push(
    person, owner, live_server, settings, tmp_path
):
    page = person
    settings.SITE_URL = live_server.url
    settings.PUSH_SANDBOX = True
    settings.PUSH_SANDBOX_DIR = tmp_path / "push"
    settings.TRACKING_PREFETCH_SECONDS = 0
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    log_in(page, owner.user.email)

    page.goto("/app/push/demo/")
    page.get_by_role("button", name="Subscribe this browser in the sandbox").click()
    page.locator("#push-demo-subscribed").wait_for()
    page.locator("#push-demo[data-ready=worker]").wait_for()

    app = page.context.new_page()
    campaign = campaign_sent_from_the_app(app, owner.workspace)
    app.close()

    page.locator("#push-demo-received", has_text="Hello from the sandbox").wait_for()
    [shown] = notifications_shown(page, WORKER)
    assert (shown["title"], shown["body"]) == ("Hello from the sandbox", "Tap to see the sale")
    assert shown["url"].startswith(live_server.url + "/t/c/")

    tap(page, shown["url"])
    report = report_numbers(page, campaign)
    assert (report["sent"], report["delivered"], report["clicked"]) == ("1", "1", "1")
