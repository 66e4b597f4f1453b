"""What decides: people's opens, clicks and conversions per variant; the holdout's conversions for the lift."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import relay_for
from postroom.experiments.report import experiment_report
from postroom.experiments.seams import HOLDOUT, outcomes
from postroom.experiments.tests.factories import experiment_campaign, run_of
from postroom.reports.selectors import report_totals
from postroom.tracking.hits import hit_make
from postroom.tracking.ingest import hits_ingest

pytestmark = pytest.mark.django_db

APPLE_PRIVACY = {"HTTP_USER_AGENT": "Mozilla/5.0", "REMOTE_ADDR": "17.58.1.1"}
PERSON = {
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
    "REMOTE_ADDR": "198.51.100.7",
}


def test_machine_opens_never_count(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 40, test_percent=100, metric="open_rate")
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    first = Delivery.objects.filter(run=run, variant=1)
    second = Delivery.objects.filter(run=run, variant=2)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        hits_ingest([hit_make("open", d.pk, meta=APPLE_PRIVACY) for d in first])
        hits_ingest([hit_make("open", d.pk, meta=PERSON) for d in second[:3]])

    arms = outcomes().arms(run_ids=[run.pk])

    assert arms[1].opens == 0
    assert arms[2].opens == 3
    assert arms[1].recipients + arms[2].recipients == 40


def test_the_holdout_converts_by_address_and_the_report_shows_the_lift(owner, api, smtp_server):
    # given a holdout of a third, and everyone else sent variant A or B
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 300, test_percent=100, holdout_percent=30)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    held = list(Delivery.objects.filter(run=run, status=DeliveryStatus.HELD)[:2])
    buyers = list(Delivery.objects.filter(run=run, variant=2)[:10])
    client = api(owner.user, owner.workspace)
    # when the shop reports orders by address (no click to follow)
    for delivery in held + buyers:
        response = client.post(
            "/api/v1/conversions/",
            {"email": delivery.email, "revenue": "20.00", "event_id": f"order-{delivery.pk}"},
            format="json",
        )
        assert response.status_code == 201, response.content
    # then the holdout's two count for it, and B's lift is over that base
    arms = outcomes().arms(run_ids=[run.pk])
    assert arms[HOLDOUT].conversions == 2
    assert arms[2].conversions == 10
    # and the campaign's own report counts B's buyers only: the holdout received nothing
    assert report_totals(campaign)["conversions"] == 10
    report = experiment_report(campaign)
    b = report.variants[1]
    base = 2 / arms[HOLDOUT].recipients
    assert b.lift == pytest.approx(10 / arms[2].recipients - base)
    assert b.revenue_lift == pytest.approx(200 / arms[2].recipients - 40 / arms[HOLDOUT].recipients)


def test_an_address_of_another_workspace_is_refused(owner, other_owner, api, smtp_server):
    relay_for(smtp_server, other_owner.workspace)
    campaign, _, _ = experiment_campaign(other_owner.workspace, 10, test_percent=100)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    theirs = Delivery.objects.filter(run=run).first()
    response = api(owner.user, owner.workspace).post(
        "/api/v1/conversions/", {"email": theirs.email}, format="json"
    )
    assert response.status_code == 400
