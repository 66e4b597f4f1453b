"""An A/B test from the browser: two subject lines, sent in the sandbox, one variant's mails
opened and clicked, and the experiment tab names the winner."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.tests.factories import MessageFactory
from postroom.delivery.tests.factories import audience
from postroom.experiments.services import rounds_step_due
from postroom.tracking.buffer import hits_flush
from tests.e2e.conftest import browser_page, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = '<p>Hi {{ subscriber.full_name }}</p><p><a href="https://shop.example.com/sale">See the sale</a></p>'


@pytest.fixture
def person(browser, live_server):
    """A browser that says what a person's does (headless Chromium counts as a scanner)."""
    yield from browser_page(
        browser,
        live_server,
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
    )


def test_two_subject_lines_and_the_report_names_the_winner(person, owner, live_server, settings):
    page = person
    settings.SITE_URL = live_server.url
    settings.TRACKING_PREFETCH_SECONDS = 0  # the sandbox is opened right after sending
    settings.TRACKING_SCANNER_SECONDS = 0
    mailing_list, _ = audience(owner.workspace, 10)
    message = MessageFactory(workspace=owner.workspace, body=BODY)
    campaign = CampaignFactory(workspace=owner.workspace, name="Spring test", message=message)
    campaign.lists.add(mailing_list)
    log_in(page, owner.user.email)

    # given an experiment set up on the campaign's experiment tab
    page.goto(f"/app/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Experiment").click()
    page.get_by_role("link", name="Set up an experiment").click()
    page.select_option("#id_mode", "ab")
    page.fill("#id_test_percent", "100")
    page.fill("#id_wait_hours", "1")
    page.fill("#id_confidence", "80")
    page.fill("#id_variants-0-subject", "Spring is here")
    page.fill("#id_variants-1-subject", "Our spring sale")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/experiment/$"))
    assert "Our spring sale" in page.locator("#variants").inner_text()

    # when it is sent in the sandbox, and every "Our spring sale" mail is opened and clicked
    page.goto(f"/app/campaigns/{campaign.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send now").click()
    page.locator("#campaign-progress [data-status=sent]", has_text="10").wait_for()
    page.goto("/app/sandbox/")
    links = page.get_by_role("link", name="Our spring sale")
    count = links.count()
    assert 0 < count < 10
    for index in range(count):
        page.goto("/app/sandbox/")
        page.get_by_role("link", name="Our spring sale").nth(index).click()
        page.wait_for_url(re.compile(r"/app/sandbox/\d+/$"))
        frame = page.frame_locator("iframe[title=HTML]")
        frame.locator("body", has_text="Hi Pat").wait_for()  # the pixel loads with it
        with page.context.expect_page() as tab:
            frame.get_by_role("link", name="See the sale").click()
        tab.value.close()
    hits_flush()  # what the web process's flush thread does every two seconds
    # and the wait is over (the worker's periodic job decides)
    rounds_step_due(now=timezone.now() + dt.timedelta(hours=1, minutes=1))

    # then the experiment tab names B the winner, with its reason
    page.goto(f"/app/campaigns/{campaign.pk}/experiment/")
    decision = page.locator("#decision").inner_text()
    assert re.match(r"B wins: \d+ % probability of the best unique click rate", decision), decision
    assert "winner" in page.locator("tr[data-variant=B]").inner_text()
    page.wait_for_selector("#experiment-chart")
