"""Pause, resume, cancel and retry-failed work on a push run as on an email run."""

import pytest

from postroom.campaigns.models import CampaignStatus, RunStatus
from postroom.campaigns.services.controls import campaign_retry_failed, campaign_transition
from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.push.tests.campaigns import push_campaign
from postroom.push.tests.factories import DeviceFactory
from postroom.push.tests.peers.fcm import ERRORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(owner):
    return owner.workspace  # the providers' fixtures set up this workspace's


def devices(people):
    return [
        DeviceFactory(workspace=p.workspace, subscriber=p, token=f"fcm-{n}")
        for n, p in enumerate(people)
    ]


def tokens(fcm):
    return sorted(message["token"] for message in fcm.sent)


def test_pause_stops_a_push_run_and_resume_carries_on(
    owner, fcm, django_capture_on_commit_callbacks
):
    campaign, run, people = push_campaign(owner.workspace, 5)
    devices(people)
    run_launch(run.pk)
    campaign_transition(actor=owner, campaign=campaign, action="pause")

    assert run_send(run.pk).attempts == 0 and fcm.sent == []
    with django_capture_on_commit_callbacks(execute=True):
        campaign_transition(actor=owner, campaign=campaign, action="resume")

    assert tokens(fcm) == [f"fcm-{n}" for n in range(5)]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED


def test_cancel_cancels_a_push_runs_waiting_devices(owner, fcm):
    campaign, run, people = push_campaign(owner.workspace, 3)
    devices(people)
    run_launch(run.pk)

    campaign_transition(actor=owner, campaign=campaign, action="cancel")

    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run_send(run.pk).attempts == 0 and fcm.sent == []


def test_retry_failed_resends_the_failed_devices_only_and_never_a_gone_one(
    owner, fcm, django_capture_on_commit_callbacks
):
    campaign, run, people = push_campaign(owner.workspace, 4)
    devices(people)
    fcm.answer["fcm-1"] = ERRORS["invalid"]  # 400: permanent, the device may still be fine
    fcm.answer["fcm-2"] = ERRORS["unregistered"]  # gone: the device becomes invalid
    run_launch(run.pk)
    run_send(run.pk)
    assert tokens(fcm) == ["fcm-0", "fcm-3"]
    fcm.answer.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_retry_failed(actor=owner, campaign=campaign) == 2

    assert tokens(fcm) == ["fcm-0", "fcm-1", "fcm-3"]  # nobody twice, the gone device never
    statuses = sorted(Delivery.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == sorted([DeliveryStatus.SENT] * 3 + [DeliveryStatus.SKIPPED])
    # four first attempts and one retry; the gone device's retry is a skip without an attempt
    assert DeliveryAttempt.objects.filter(delivery__run=run).count() == 5
