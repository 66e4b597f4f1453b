import re

import pytest

from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory
from postroom.campaigns.models import Campaign
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_write_a_message_preview_it_and_schedule_a_campaign(page, owner):
    MailingListFactory(workspace=owner.workspace, name="Readers")
    SubscriberFactory(workspace=owner.workspace, email="ann@example.com", full_name="Ann Lee")
    log_in(page, owner.user.email)

    page.goto("/app/messages/new/")
    page.fill("#message-form input[name=name]", "Welcome")
    page.fill(
        "#message-form input[name=subject]", "Hello {{ subscriber.first_name | default('friend') }}"
    )
    page.fill("#message-form input[name=from_email]", "news@example.com")
    page.fill(
        "#message-form textarea[name=body]", "<p>Dear {{ subscriber.full_name }}, welcome.</p>"
    )
    page.click("#message-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/messages/\d+/$"))

    page.locator("#preview-subject").wait_for()
    assert page.locator("#preview-subject").inner_text() == "Hello Jane"
    page.fill("#recipient-search", "ann@")
    page.locator(".recipient-result", has_text="ann@example.com").click()
    page.locator("#preview-subject", has_text="Hello Ann").wait_for()
    assert "Dear Ann Lee" in page.frame_locator("#preview iframe").locator("body").inner_text()

    page.goto("/app/campaigns/new/")
    page.fill("#campaign-form input[name=name]", "Welcome series")
    page.select_option("#campaign-form select[name=message]", label="Welcome")
    page.get_by_label("Readers").first.check()
    page.select_option("#campaign-form select[name=time_zone]", "Europe/Berlin")
    page.fill("#campaign-form input[name=start_at]", "2031-06-02T09:00")
    page.select_option("#campaign-form select[name=periodicity]", "weekly")
    # A weekly campaign names its weekdays and time (issue 13).
    page.check("#campaign-form input[name=weekdays][value='0']")
    page.fill("#campaign-form input[name=send_time]", "09:00")
    page.click("#campaign-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/campaigns/\d+/$"))
    page.get_by_role("button", name="Schedule").click()
    page.locator("#campaign-status", has_text="Scheduled").wait_for()

    campaign = Campaign.objects.get()
    assert campaign.next_run_at.isoformat() == "2031-06-02T07:00:00+00:00"
