import pytest
from django.urls import reverse

from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory
from postroom.campaigns.services import campaign_schedule
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.reports.dashboard import dashboard_stats

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_campaigns_recipients_and_upcoming_runs(login, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    for i in range(3):
        s = SubscriberFactory(workspace=owner.workspace)
        subscription_set(
            subscriber=s,
            mailing_list=the_list,
            status="subscribed" if i < 2 else "unsubscribed",
            source="admin",
        )
    campaign = CampaignFactory(workspace=owner.workspace, start_at="2031-01-01T09:00:00Z")
    campaign.lists.add(the_list)
    CampaignFactory(workspace=owner.workspace)
    campaign_schedule(actor=owner, campaign=campaign)

    page = login(owner.user).get(reverse("dashboard"))

    stats = page.context["stats"]
    assert (
        stats["campaigns"],
        stats["active_campaigns"],
        stats["recipients"],
        stats["subscribers"],
    ) == (2, 1, 2, 3)
    assert stats["upcoming"][0]["name"] == campaign.name


def test_numbers_are_cached_and_refreshed_when_they_change(owner, django_assert_max_num_queries):
    the_list = MailingListFactory(workspace=owner.workspace)
    first = dashboard_stats(workspace=owner.workspace)

    # Two cache reads (the database cache when there is no Redis), no counting.
    with django_assert_max_num_queries(2):
        dashboard_stats(workspace=owner.workspace)
    subscription_set(
        subscriber=SubscriberFactory(workspace=owner.workspace),
        mailing_list=the_list,
        status="subscribed",
        source="admin",
    )
    second = dashboard_stats(workspace=owner.workspace)

    assert first["subscribers"] == 0 and second["subscribers"] == 1


def test_getting_started_names_what_exists_today(login, owner):
    html = login(owner.user).get(reverse("dashboard")).content.decode()

    assert "next releases" not in html
    assert reverse("message_list") in html and reverse("campaign_list") in html
    assert "send it as a campaign" in html
