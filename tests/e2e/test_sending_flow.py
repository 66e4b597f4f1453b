import re

import pytest

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.tests.factories import audience
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_send_now_shows_progress_and_the_message_in_the_sandbox(page, owner):
    """No relay configured: the campaign goes to the sandbox, and the app says so."""
    mailing_list, _ = audience(owner.workspace, 5)
    campaign = CampaignFactory(workspace=owner.workspace, name="Launch news")
    campaign.lists.add(mailing_list)
    log_in(page, owner.user.email)

    page.goto(f"/app/campaigns/{campaign.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    page.locator("#campaign-progress [data-status=sent]", has_text="5").wait_for()
    assert "Sandbox: nothing is delivered" in page.locator("#sandbox-banner").inner_text()

    page.get_by_role("link", name="Every recipient and the server's answers").click()
    assert page.locator("#deliveries tbody tr").count() == 5
    assert "kept in the sandbox" in page.locator("#deliveries").inner_text()

    page.goto("/app/sandbox/")
    page.get_by_role("link", name="Hello Pat").first.click()
    page.wait_for_url(re.compile(r"/app/sandbox/\d+/$"))
    body = page.frame_locator("iframe[title=HTML]").locator("body").inner_text()
    assert re.search(r"Hi Pat \d", body)
