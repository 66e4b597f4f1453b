"""The campaign page follows a send as it happens: badge, buttons and runs change without a reload."""

from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.tests.factories import audience
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_jobs() -> Iterator[None]:
    """Jobs wait in the real queue, as with a worker, instead of running inside the request."""
    HUEY.immediate = False
    HUEY.flush()
    try:
        yield
    finally:
        HUEY.flush()
        HUEY.immediate = True


def _work_the_queue() -> int:
    """What a worker does: run the queued jobs (and those they queue) until none is left."""
    done = 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        done += 1
    return done


def test_the_page_follows_a_send_to_the_sandbox_without_a_reload(page, owner, queued_jobs):
    mailing_list, _ = audience(owner.workspace, 4)
    campaign = CampaignFactory(workspace=owner.workspace, name="Spring news")
    campaign.lists.add(mailing_list)
    log_in(page, owner.user.email)
    page.goto(f"/app/campaigns/{campaign.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())

    page.get_by_role("button", name="Send now").click()
    page.get_by_role("alert").filter(has_text="Sending started to 4 recipients.").wait_for()
    assert page.locator("#campaign-status").inner_text() == "Running"
    assert "Due" in page.locator("#runs").inner_text()
    actions = page.locator("#campaign-actions")
    assert actions.get_by_role("button", name="Pause").is_visible()
    assert actions.get_by_role("button", name="Send now").count() == 0  # a run is on its way
    page.evaluate("window.notReloaded = true")

    assert _work_the_queue() > 0

    page.locator("#campaign-status", has_text="Finished").wait_for()
    page.locator("#runs", has_text="Finished").wait_for()
    assert "4 recipients" in page.locator("#runs").inner_text()
    assert page.locator("#campaign-progress [data-status=sent]").inner_text() == "4"
    assert actions.get_by_role("button", name="Pause").count() == 0
    assert actions.get_by_role("button", name="Cancel").count() == 0
    assert page.locator("#campaign-tabs").get_by_role("link", name="Report").is_visible()
    assert page.evaluate("window.notReloaded") is True
