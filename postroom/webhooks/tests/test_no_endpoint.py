"""A workspace without endpoints gets no messages and pays one cached read per announced write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postroom.delivery.sending.engine import run_send
from postroom.delivery.signals import DeliveriesRecorded
from postroom.delivery.tests.factories import launched_run
from postroom.webhooks import receivers
from postroom.webhooks.models import WebhookMessage

pytestmark = pytest.mark.django_db


def test_a_campaign_without_endpoints_leaves_no_message(owner, other_owner, endpoint_for):
    # given an endpoint in another workspace only
    endpoint_for(other_owner, "http://127.0.0.1:9/hooks")
    _campaign, run, _ = launched_run(owner.workspace, 3)

    run_send(run.pk)

    assert not WebhookMessage.objects.exists()


def test_the_check_is_one_cache_read_once_warm(owner):
    record = DeliveriesRecorded(
        campaign_id=1,
        run_id=1,
        at=timezone.now(),
        workspace_id=owner.workspace_id,
        transitions=[object()],  # type: ignore[list-item]  # never read when nobody listens
    )
    receivers.deliveries_recorded(None, record)  # warms the cache

    with CaptureQueriesContext(connection) as queries:
        receivers.deliveries_recorded(None, record)

    # the database cache (embedded mode) reads one row; Redis none
    assert len(queries) <= 1
    assert not WebhookMessage.objects.exists()


def test_an_endpoint_not_subscribed_to_deliveries_costs_the_engine_nothing_more(
    owner, endpoint_for
):
    endpoint_for(owner, "http://127.0.0.1:9/hooks", ["opened"])
    _campaign, run, _ = launched_run(owner.workspace, 3)

    run_send(run.pk)

    assert not WebhookMessage.objects.exists()
