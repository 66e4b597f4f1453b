"""Each user sees times in their own zone: the browser's at first, then the profile's."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_browser_zone_becomes_the_users_on_the_first_visit(login, owner):
    client = login(owner.user)

    first = client.get(reverse("dashboard"))
    answer = client.post(reverse("profile_browser_zone"), {"time_zone": "Asia/Tokyo"})

    owner.user.refresh_from_db()
    assert b'id="browser-zone"' in first.content and b"browser-zone.js" in first.content
    assert answer.status_code == 204
    assert owner.user.time_zone == "Asia/Tokyo"
    assert b'id="browser-zone"' not in client.get(reverse("dashboard")).content


def test_a_zone_the_user_chose_is_never_overwritten_by_a_browser(login, owner):
    owner.user.time_zone = "Europe/Berlin"
    owner.user.save()

    answer = login(owner.user).post(reverse("profile_browser_zone"), {"time_zone": "Asia/Tokyo"})

    owner.user.refresh_from_db()
    assert answer.status_code == 200
    assert owner.user.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../../etc/passwd"])
def test_a_bad_browser_zone_is_refused_with_400(login, owner, zone):
    answer = login(owner.user).post(reverse("profile_browser_zone"), {"time_zone": zone})

    owner.user.refresh_from_db()
    assert answer.status_code == 400
    assert owner.user.time_zone == ""


def test_only_a_signed_in_user_reports_a_zone(client):
    answer = client.post(reverse("profile_browser_zone"), {"time_zone": "Asia/Tokyo"})

    assert answer.status_code == 302


def test_the_profile_page_changes_the_zone(login, owner):
    client = login(owner.user)

    client.post(
        reverse("profile"), {"first_name": "Ann", "last_name": "Lee", "time_zone": "America/Lima"}
    )
    page = client.get(reverse("profile"))

    owner.user.refresh_from_db()
    assert owner.user.time_zone == "America/Lima"
    assert b'<option value="America/Lima" selected>' in page.content


def test_the_profile_refuses_an_unknown_zone(login, owner):
    page = login(owner.user).post(
        reverse("profile"), {"first_name": "", "last_name": "", "time_zone": "Mars/Olympus"}
    )

    owner.user.refresh_from_db()
    assert page.status_code == 200 and owner.user.time_zone == ""


def test_times_outside_a_campaign_show_in_the_users_zone_with_its_name(login, owner):
    owner.user.time_zone = "Asia/Tokyo"
    owner.user.save()
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.events.create(action="submitted", user=owner.user)
    campaign.events.update(created_at=dt.datetime(2030, 6, 3, 7, 0, tzinfo=dt.UTC))

    page = login(owner.user).get(reverse("campaign_detail", args=[campaign.pk]))

    # 07:00 UTC is 16:00 in Tokyo.
    assert "3 Jun 2030, 16:00</time> <small" in page.content.decode()
    assert "Asia/Tokyo" in page.content.decode()


def test_the_zone_does_not_leak_into_the_next_request(login, owner, client):
    owner.user.time_zone = "Asia/Tokyo"
    owner.user.save()
    login(owner.user).get(reverse("dashboard"))
    client.logout()

    client.get(reverse("home"))

    assert timezone.get_current_timezone_name() == "UTC"


def test_the_dashboard_shows_upcoming_runs_in_their_campaigns_zone_labelled(login, owner):
    owner.user.time_zone = "Asia/Tokyo"
    owner.user.save()
    CampaignFactory(
        workspace=owner.workspace,
        status=CampaignStatus.SCHEDULED,
        time_zone="Europe/Berlin",
        next_run_at=dt.datetime(2030, 6, 3, 7, tzinfo=dt.UTC),
    )

    page = login(owner.user).get(reverse("dashboard")).content.decode()

    assert '3 Jun 2030, 09:00</time> <small class="text-body-secondary">Europe/Berlin' in page


def test_the_api_sets_and_refuses_zones(api, owner):
    client = api(owner.user)

    set_ = client.patch("/api/v1/me/", {"time_zone": "Europe/Berlin"}, format="json")
    refused = client.patch("/api/v1/me/", {"time_zone": "Mars/Olympus"}, format="json")
    named = client.patch("/api/v1/me/", {"first_name": "Ann"}, format="json")

    owner.user.refresh_from_db()
    assert set_.status_code == 200 and set_.json()["time_zone"] == "Europe/Berlin"
    assert refused.status_code == 400 and "time_zone" in str(refused.json())
    assert named.status_code == 200 and owner.user.time_zone == "Europe/Berlin"


def test_the_api_answers_in_utc_whatever_the_users_zone(login, owner):
    owner.user.time_zone = "Asia/Tokyo"
    owner.user.save()
    CampaignFactory(workspace=owner.workspace, start_at=dt.datetime(2030, 6, 3, 7, tzinfo=dt.UTC))

    # Signed in by session, as the browser is: the same answer as with a token.
    answer = login(owner.user).get("/api/v1/campaigns/")

    assert answer.json()["results"][0]["start_at"] == "2030-06-03T07:00:00Z"
