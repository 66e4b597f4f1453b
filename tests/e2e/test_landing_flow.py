"""A visitor's landing page: the installation's numbers and three posts, as Chromium shows them."""

import pytest

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.blog.tests.factories import PostFactory
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_sees_campaigns_active_campaigns_unique_recipients_and_posts(page):
    # given two workspaces that sent to 1,203 and 2 people (the 2 among the first ones),
    # one campaign still scheduled, and five posts
    for workspace, count in ((WorkspaceFactory(), 1203), (WorkspaceFactory(), 2)):
        _campaign, run, _people = launched_run(workspace, count)
        run_send(run.pk)
    CampaignFactory(status=CampaignStatus.SCHEDULED)
    PostFactory.create_batch(5, body="A **bold** start.")

    # when a visitor opens the site
    page.goto("/")

    # then
    assert page.locator("#landing-campaigns").inner_text() == "3"
    assert page.locator("#landing-active").inner_text() == "1"
    assert page.locator("#landing-recipients").inner_text() == "1,203"
    stats = page.locator("#landing-stats")
    assert "Unique recipients" in stats.inner_text()
    cards = page.locator("#landing-posts .card")
    assert cards.count() == 3
    assert cards.first.inner_text().endswith("A bold start.")
