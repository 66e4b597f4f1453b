"""The bandit's evidence: a wave just sent does not count as failing, and earlier runs weigh half."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import relay_for
from postroom.experiments.evidence import bandit_arms
from postroom.experiments.models import Mode
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db


def test_recipients_count_as_their_clicks_can_have_arrived(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 200, mode=Mode.BANDIT, wave_percent=50)
    run = run_of(campaign)
    run_launch(run.pk)
    run_send(run.pk)
    sent = Delivery.objects.filter(run=run, status=DeliveryStatus.SENT, variant=1).count()
    now = timezone.now()

    fresh = bandit_arms(run=run, variants=(1, 2), metric="click_rate", now=now)
    hour_later = bandit_arms(
        run=run, variants=(1, 2), metric="click_rate", now=now + dt.timedelta(hours=1)
    )
    day_later = bandit_arms(
        run=run, variants=(1, 2), metric="click_rate", now=now + dt.timedelta(days=1)
    )

    assert fresh[1].recipients <= 1
    assert hour_later[1].recipients == pytest.approx(sent / 2, abs=2)  # the median delay is 1 h
    assert day_later[1].recipients == pytest.approx(sent, abs=1)


def test_an_earlier_run_weighs_half(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, _, _ = experiment_campaign(owner.workspace, 100, mode=Mode.BANDIT, wave_percent=100)
    first = run_of(campaign)
    run_launch(first.pk)
    run_send(first.pk)
    sent = Delivery.objects.filter(run=first, status=DeliveryStatus.SENT, variant=2).count()
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        second = run_of(campaign)
        arms = bandit_arms(run=second, variants=(1, 2), metric="click_rate", now=timezone.now())
    assert arms[2].recipients == round(sent * 0.5)
