"""Bounces, complaints and mailto unsubscribes taken in by the delivery app reach the report."""

import pytest
from django.utils import timezone

from postroom.delivery.bounces.dsn import BounceReport, reports_parse
from postroom.delivery.bounces.intake import bounce_intake
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.tests.bounces.dsnmail import dsn_mail
from postroom.delivery.tests.factories import launched_run
from postroom.reports.models import FailedDomain
from postroom.reports.recording import counters_add
from postroom.reports.selectors import report_totals
from postroom.tracking.models import Event

pytestmark = pytest.mark.django_db


def test_bounces_and_complaints_are_counted_once_per_event(owner):
    campaign, run, _subscribers = launched_run(owner.workspace, 3)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENT)
    counters_add(campaign_id=campaign.pk, run_id=run.pk, at=timezone.now(), sent=3)  # as the engine
    first, second, third = Delivery.objects.filter(run=run).order_by("email")
    [hard] = reports_parse(dsn_mail("postfix", delivery_id=first.pk))
    soft = BounceReport(
        kind="soft", email=second.email, event_id="s-1", status="4.2.2", delivery_id=second.pk
    )
    complaint = BounceReport(
        kind="complaint", email=third.email, event_id="c-1", delivery_id=third.pk
    )

    for report in (hard, soft, complaint, hard, soft):  # the last two are replays
        bounce_intake(report)

    numbers = report_totals(campaign)
    assert (numbers["bounced_hard"], numbers["bounced_soft"], numbers["complained"]) == (1, 1, 1)
    assert numbers["delivered"] == 1
    assert FailedDomain.objects.get(domain="example.com").bounced == 2
    assert set(Event.objects.values_list("kind", flat=True)) == {
        "bounce_hard",
        "bounce_soft",
        "complaint",
    }
