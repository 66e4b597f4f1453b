"""A new user's browser zone becomes theirs, and the app's times read in it, labelled."""

import datetime as dt
import time

import pytest

from postroom.accounts.models import User
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from tests.e2e.conftest import browser_page, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tokyo_page(browser, live_server):
    yield from browser_page(browser, live_server, timezone_id="Asia/Tokyo")


def _zone_of(user, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        zone = User.objects.get(pk=user.pk).time_zone
        if zone:
            return zone
        time.sleep(0.1)
    return ""


def test_the_browsers_zone_is_taken_on_the_first_visit_and_used_at_once(tokyo_page, owner):
    CampaignFactory(
        workspace=owner.workspace,
        name="Berlin weekly",
        time_zone="Europe/Berlin",
        status=CampaignStatus.SCHEDULED,
        next_run_at=dt.datetime(2030, 6, 3, 7, tzinfo=dt.UTC),
    )
    campaign = CampaignFactory(workspace=owner.workspace, name="Tokyo")
    campaign.events.create(action="submitted", user=owner.user)
    campaign.events.update(created_at=dt.datetime(2030, 6, 3, 7, tzinfo=dt.UTC))

    log_in(tokyo_page, owner.user.email)

    assert _zone_of(owner.user) == "Asia/Tokyo"
    # The first page reloads itself in the new zone (then it no longer asks: the form is
    # gone); the campaign's run stays in Berlin time.
    tokyo_page.locator("#browser-zone").wait_for(state="detached")
    tokyo_page.locator("#upcoming", has_text="3 Jun 2030, 09:00 Europe/Berlin").wait_for()
    tokyo_page.goto(f"/app/campaigns/{campaign.pk}/")
    assert "3 Jun 2030, 16:00 Asia/Tokyo" in tokyo_page.locator("#history").inner_text()
    tokyo_page.goto("/app/campaigns/new/")
    assert tokyo_page.locator("select[name=time_zone]").input_value() == "Asia/Tokyo"
    tokyo_page.goto("/app/profile/")
    assert tokyo_page.locator("select[name=time_zone]").input_value() == "Asia/Tokyo"


def test_a_zone_chosen_on_the_profile_wins_over_the_browsers(tokyo_page, owner):
    owner.user.time_zone = "America/Lima"
    owner.user.save()

    log_in(tokyo_page, owner.user.email)
    tokyo_page.goto("/app/profile/")
    tokyo_page.select_option("#profile-form select[name=time_zone]", "Europe/Berlin")
    tokyo_page.click("#profile-form button[type=submit]")
    tokyo_page.locator(".alert", has_text="Your profile was saved.").wait_for()
    tokyo_page.goto("/app/")

    assert User.objects.get(pk=owner.user.pk).time_zone == "Europe/Berlin"
    assert tokyo_page.locator("#browser-zone").count() == 0
