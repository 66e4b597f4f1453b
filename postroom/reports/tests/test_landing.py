"""The landing page's installation-wide numbers: counted by a job, read from the cache."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run
from postroom.reports.dashboard import LANDING_TTL, landing_stats

pytestmark = pytest.mark.django_db


def _sent(workspace, count: int) -> None:
    _campaign, run, _subscribers = launched_run(workspace, count)
    run_send(run.pk)  # no relay: the sandbox keeps them


def _numbers(page) -> tuple[int, int, int]:
    stats = page.context["stats"]
    return stats["campaigns"], stats["active_campaigns"], stats["recipients"]


def test_it_counts_campaigns_active_ones_and_unique_recipients_over_all_workspaces(client):
    # given two workspaces that sent to person0..2 and person0..1 (the same addresses)
    first, second = WorkspaceFactory(), WorkspaceFactory()
    _sent(first, 3)
    _sent(second, 2)
    CampaignFactory(workspace=second, status=CampaignStatus.SCHEDULED)
    CampaignFactory(workspace=second, status=CampaignStatus.DRAFT)

    # when a visitor opens the landing page
    page = client.get("/")

    # then four campaigns, the scheduled one active, three different people reached
    assert _numbers(page) == (4, 1, 3)
    html = page.content.decode()
    assert 'id="landing-recipients">3<' in html


def test_visitors_read_the_numbers_from_the_cache_without_counting(client):
    client.get("/")
    CampaignFactory(status=CampaignStatus.SCHEDULED)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")

    assert _numbers(page) == (0, 0, 0)
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_old_numbers_are_counted_again_by_a_job(client):
    client.get("/")
    CampaignFactory(status=CampaignStatus.SCHEDULED)

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=LANDING_TTL + 1)):
        stale = client.get("/")  # shows what it has, enqueues the count (run inline in tests)
        fresh = client.get("/")

    assert _numbers(stale) == (0, 0, 0)
    assert _numbers(fresh) == (1, 1, 0)


def test_while_one_visitor_counts_a_cold_cache_the_others_see_no_numbers(client):
    cache.add("postroom:landing:counting", 1)

    page = client.get("/")

    assert page.status_code == 200
    assert landing_stats() is None
    assert b'id="landing-stats"' not in page.content
