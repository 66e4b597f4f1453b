"""Campaign times show in the campaign's zone, other times in the user's, always with the zone's name.

Issue 13: 09:00 Europe/Berlin showed as "8 a.m. (Europe/Berlin)"; lists showed
UTC with no label; a new campaign defaulted to Africa/Abidjan.
"""

import datetime as dt

import pytest
from django.urls import reverse

from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
NINE_BERLIN = dt.datetime(2030, 6, 3, 7, tzinfo=dt.UTC)  # 09:00 CEST
LABELLED = '3 Jun 2030, 09:00</time> <small class="text-body-secondary">Europe/Berlin</small>'


@pytest.fixture
def berlin(owner):
    owner.user.time_zone = "Asia/Tokyo"
    owner.user.save()
    campaign = CampaignFactory(
        workspace=owner.workspace,
        time_zone="Europe/Berlin",
        start_at=NINE_BERLIN,
        periodicity="weekly",
        weekdays=[0],
        send_time=dt.time(9),
        status=CampaignStatus.SCHEDULED,
        next_run_at=NINE_BERLIN,
    )
    CampaignRun.objects.create(campaign=campaign, scheduled_for=NINE_BERLIN)
    return campaign


def test_the_campaign_page_shows_its_schedule_in_the_campaigns_zone(login, owner, berlin):
    page = login(owner.user).get(reverse("campaign_detail", args=[berlin.pk])).content.decode()

    # Next run, start and the run: each 09:00, each labelled Europe/Berlin.
    assert page.count(LABELLED) == 3
    assert "at 09:00 Europe/Berlin" in page
    assert "a.m." not in page and ", 08:00" not in page and ", 07:00" not in page


def test_the_campaign_list_labels_the_next_run_with_the_campaigns_zone(login, owner, berlin):
    page = login(owner.user).get(reverse("campaign_list")).content.decode()

    assert LABELLED in page


def test_russian_has_its_one_format_too(login, owner, berlin):
    client = login(owner.user)
    client.cookies["django_language"] = "ru"

    page = client.get(reverse("campaign_detail", args=[berlin.pk])).content.decode()

    assert page.count("3 июня 2030, 09:00</time>") == 3


def test_a_new_campaign_is_in_its_authors_zone(login, owner):
    owner.user.time_zone = "Asia/Tokyo"
    owner.user.save()

    page = login(owner.user).get(reverse("campaign_create")).content.decode()

    assert '<option value="Asia/Tokyo" selected>' in page
    assert '<option value="Africa/Abidjan" selected>' not in page


def test_without_a_zone_yet_a_new_campaign_is_in_utc_not_the_first_of_the_list(login, owner):
    page = login(owner.user).get(reverse("campaign_create")).content.decode()

    assert '<option value="UTC" selected>' in page


def test_a_campaign_made_by_api_without_a_zone_is_in_its_authors(api, owner):
    owner.user.time_zone = "America/Lima"
    owner.user.save()
    message = MessageFactory(workspace=owner.workspace)

    created = api(owner.user).post(
        "/api/v1/campaigns/",
        {"name": "x", "message": message.pk, "start_at": "2030-06-03T07:00:00Z"},
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["time_zone"] == "America/Lima"
