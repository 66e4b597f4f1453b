"""A periodic campaign names its slots: a weekly one without weekdays or a time is refused at save."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.models import Campaign
from postroom.campaigns.services import campaign_save
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2030, 6, 3, 7, tzinfo=dt.UTC)


def save(owner, **fields):
    message = MessageFactory(workspace=owner.workspace)
    return campaign_save(actor=owner, name="Weekly", message=message, start_at=START, **fields)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"periodicity": "weekly", "send_time": dt.time(9)}, "weekdays"),
        ({"periodicity": "weekly", "weekdays": [0, 3]}, "send_time"),
        ({"periodicity": "daily"}, "send_time"),
        ({"periodicity": "monthly", "send_time": dt.time(9)}, "month_day"),
    ],
    ids=["weekly-no-weekdays", "weekly-no-time", "daily-no-time", "monthly-no-day"],
)
def test_it_refuses_a_periodic_campaign_without_its_slots(owner, fields, field):
    with pytest.raises(ValidationError) as refused:
        save(owner, **fields)

    assert field in refused.value.message_dict
    assert not Campaign.objects.exists()


def test_it_saves_a_weekly_campaign_with_weekdays_and_a_time(owner):
    campaign = save(owner, periodicity="weekly", weekdays=[0, 3], send_time=dt.time(9))

    assert (campaign.weekdays, campaign.send_time, campaign.send_at_start) == (
        [0, 3],
        dt.time(9),
        False,
    )


def test_the_form_shows_why_a_weekly_campaign_is_refused(login, owner):
    message = MessageFactory(workspace=owner.workspace)
    the_list = MailingListFactory(workspace=owner.workspace)

    page = login(owner.user).post(
        reverse("campaign_create"),
        {
            "name": "Weekly",
            "message": message.pk,
            "lists": [the_list.pk],
            "time_zone": "Europe/Berlin",
            "start_at": "2030-06-03T09:00",
            "periodicity": "weekly",
            "priority": 0,
        },
    )

    assert page.status_code == 200
    assert b"A weekly campaign needs at least one weekday." in page.content
    assert b"A periodic campaign needs its time of day." in page.content
    assert not Campaign.objects.exists()


def test_the_api_answers_400_for_a_weekly_campaign_without_weekdays(api, owner):
    message = MessageFactory(workspace=owner.workspace)

    response = api(owner.user).post(
        "/api/v1/campaigns/",
        {
            "name": "Weekly",
            "message": message.pk,
            "start_at": "2030-06-03T07:00:00Z",
            "periodicity": "weekly",
            "send_time": "09:00",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "weekdays" in str(response.json())
    assert not Campaign.objects.exists()


def test_the_api_takes_send_at_start(api, owner):
    message = MessageFactory(workspace=owner.workspace)

    response = api(owner.user).post(
        "/api/v1/campaigns/",
        {
            "name": "Weekly",
            "message": message.pk,
            "start_at": "2030-06-03T07:00:00Z",
            "periodicity": "weekly",
            "weekdays": [0],
            "send_time": "09:00",
            "send_at_start": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["send_at_start"] is True
    assert Campaign.objects.get().send_at_start


def test_campaigns_saved_before_keep_the_slots_they_ran_on(owner):
    from importlib import import_module

    from django.apps import apps

    from postroom.campaigns.tests.factories import CampaignFactory

    migration = import_module("postroom.campaigns.migrations.0005_campaign_send_at_start")
    # Monday 3 June 2030, 09:00 in Berlin.
    weekly = CampaignFactory(workspace=owner.workspace, periodicity="weekly", start_at=START)
    weekly.time_zone = "Europe/Berlin"
    weekly.save()
    monthly = CampaignFactory(workspace=owner.workspace, periodicity="monthly", start_at=START)
    chosen = CampaignFactory(
        workspace=owner.workspace,
        periodicity="weekly",
        start_at=START,
        weekdays=[4],
        send_time=dt.time(18),
    )

    migration.fill_slots(apps, None)

    for c in (weekly, monthly, chosen):
        c.refresh_from_db()
    assert (weekly.weekdays, weekly.send_time) == ([0], dt.time(9))
    assert (monthly.month_day, monthly.send_time) == (3, dt.time(7))
    assert (chosen.weekdays, chosen.send_time) == ([4], dt.time(18))


def test_bad_weekdays_are_refused_whatever_the_periodicity(owner, campaign):
    with pytest.raises(ValidationError):
        campaign_save(actor=owner, campaign=campaign, periodicity="daily", weekdays=5)
