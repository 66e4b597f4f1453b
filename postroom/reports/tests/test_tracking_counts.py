"""Tracking's counts reach the report through a signal, in the ingest's own transaction."""

import pytest
from django.db import transaction
from django.utils import timezone

from postroom.delivery.models import Delivery
from postroom.reports.models import Counter, FailedDomain
from postroom.reports.selectors import report_totals
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.models import Engagement, Event
from postroom.tracking.signals import EventCounts, events_counted
from postroom.tracking.tests.helpers import sent_campaign

pytestmark = pytest.mark.django_db


def hits_for(delivery_id: int) -> list[dict]:
    now = timezone.now().timestamp()
    return [
        {"u": "o1", "k": "open", "d": delivery_id, "t": now, "a": "browser"},
        {"u": "b1", "k": "bounce_hard", "d": delivery_id, "t": now, "a": ""},
    ]


def test_it_adds_a_batch_to_the_counters_and_the_bounced_domains(owner, smtp_server):
    campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    delivery = Delivery.objects.get(run=run)

    report = hits_ingest(hits_for(delivery.pk))

    numbers = report_totals(campaign)
    assert (numbers["opens"], numbers["opens_unique"], numbers["bounced_hard"]) == (1, 1, 1)
    assert report.counters == {
        "opens": 1,
        "opens_unique_any": 1,
        "opens_unique": 1,
        "bounced_hard": 1,
    }
    domain = delivery.email.rpartition("@")[2].lower()
    assert list(FailedDomain.objects.filter(run=run).values_list("domain", "bounced")) == [
        (domain, 1)
    ]


def test_the_counts_roll_back_with_the_events(owner, smtp_server):
    _campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    delivery = Delivery.objects.get(run=run)
    counters = list(Counter.objects.filter(run=run).values())

    with pytest.raises(RuntimeError), transaction.atomic():
        hits_ingest(hits_for(delivery.pk))
        raise RuntimeError

    assert list(Counter.objects.filter(run=run).values()) == counters
    assert not FailedDomain.objects.filter(run=run, bounced__gt=0).exists()
    assert not Event.objects.exists() and not Engagement.objects.exists()


def test_a_failing_receiver_stores_no_events(owner, smtp_server):
    _campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    delivery = Delivery.objects.get(run=run)
    seen: list[EventCounts] = []

    def failing(sender, counts: EventCounts, **kwargs):
        seen.append(counts)
        raise RuntimeError("report store down")

    events_counted.connect(failing, dispatch_uid="test.failing")
    try:
        with pytest.raises(RuntimeError):
            hits_ingest(hits_for(delivery.pk))
    finally:
        events_counted.disconnect(dispatch_uid="test.failing")

    assert len(seen) == 1 and not Event.objects.exists()


def test_the_reports_receiver_is_connected_once():
    from django.apps import apps

    apps.get_app_config("reports").ready()  # a second ready() must not count twice

    assert len(events_counted._live_receivers(Event)[0]) == 1
