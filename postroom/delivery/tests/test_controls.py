"""Send now, pause, resume, cancel and retry-failed, as the outbox sees them."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from postroom.accounts.roles import Role
from postroom.campaigns.models import CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.services import (
    campaign_retry_failed,
    campaign_schedule,
    campaign_send_now,
    campaign_transition,
)
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import audience, launched_run, relay_for

pytestmark = pytest.mark.django_db


def test_send_now_launches_and_sends_a_draft(
    owner, smtp_server, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    mailing_list, _ = audience(owner.workspace, 5)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(mailing_list)

    with django_capture_on_commit_callbacks(execute=True):
        run = campaign_send_now(actor=owner, campaign=campaign)

    run.refresh_from_db()
    campaign.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.recipients == 5
    assert campaign.status == CampaignStatus.FINISHED
    assert len(smtp_server.received) == 5
    assert campaign.events.filter(action="sent_now").exists()
    with pytest.raises(ValidationError):
        campaign_send_now(actor=owner, campaign=campaign)


def test_send_now_needs_the_send_permission_and_the_same_workspace(owner, member, other_owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    for actor in (viewer, other_owner):
        with pytest.raises(PermissionDenied):
            campaign_send_now(actor=actor, campaign=campaign)


def test_a_campaign_needing_approval_is_submitted_not_sent(owner):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    mailing_list, _ = audience(owner.workspace, 1)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(mailing_list)

    assert campaign_send_now(actor=owner, campaign=campaign) is None

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL
    assert campaign.events.filter(action="submitted").exists()
    assert not CampaignRun.objects.exists()


def test_a_once_campaign_sent_now_before_its_start_never_sends_again(
    owner, smtp_server, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from postroom.campaigns.dispatch import campaigns_dispatch_due

    relay_for(smtp_server, owner.workspace)
    mailing_list, _ = audience(owner.workspace, 3)
    campaign = CampaignFactory(
        workspace=owner.workspace, start_at=timezone.now() + dt.timedelta(days=7)
    )
    campaign.lists.add(mailing_list)
    campaign_schedule(actor=owner, campaign=campaign)

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send_now(actor=owner, campaign=campaign)
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=8)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        campaigns_dispatch_due()

    assert CampaignRun.objects.filter(campaign=campaign).count() == 1
    assert len(smtp_server.received) == 3
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED


def test_re_approval_of_a_running_once_campaign_does_not_start_it_again(
    owner, member, smtp_server, django_capture_on_commit_callbacks
):
    from postroom.campaigns.services import campaign_decide, campaign_recheck_approval

    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 4)
    # An edit after approval sends the running campaign back for approval...
    campaign.approved_fingerprint = "stale"
    campaign.save()
    campaign_recheck_approval(campaign=campaign, user=owner.user)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL
    check = campaign.message.link_checks.create(version=campaign.message.version, status="done")
    assert check

    with django_capture_on_commit_callbacks(execute=True):
        campaign_decide(actor=owner, campaign=campaign, approve=True)
        from postroom.campaigns.dispatch import campaigns_dispatch_due

        campaigns_dispatch_due()
    run_send(run.pk)

    assert CampaignRun.objects.filter(campaign=campaign).count() == 1
    assert len(smtp_server.received) == 4


def test_pause_stops_sending_and_resume_carries_on_without_a_second_run(
    owner, smtp_server, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 30)
    campaign_transition(actor=owner, campaign=campaign, action="pause")

    assert run_send(run.pk).attempts == 0
    with django_capture_on_commit_callbacks(execute=True):
        campaign_transition(actor=owner, campaign=campaign, action="resume")

    assert CampaignRun.objects.filter(campaign=campaign).count() == 1
    assert len(smtp_server.received) == 30
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED


def test_cancel_cancels_what_waits(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 8)

    campaign_transition(actor=owner, campaign=campaign, action="cancel")

    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run_send(run.pk).attempts == 0
    assert smtp_server.received == []


def test_retry_failed_sends_to_the_failed_only(
    owner, smtp_server, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 4)
    smtp_server.on("person2@example.com", "data", reply="554 5.7.1 Not today", times=1)
    run_send(run.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED

    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_retry_failed(actor=owner, campaign=campaign) == 1

    assert sorted(r.recipient for r in smtp_server.received) == [
        f"person{i}@example.com" for i in (0, 1, 2, 3)
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert DeliveryAttempt.objects.filter(delivery__email="person2@example.com").count() == 2
    with pytest.raises(ValidationError):
        campaign_retry_failed(actor=owner, campaign=campaign)


def test_under_random_faults_every_recipient_ends_once_and_nobody_gets_two(
    owner, smtp_server, settings
):
    """The engine's invariant, over a mix of every fault the server can produce."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    settings.DELIVERY_SMTP_TIMEOUT = 0.3
    settings.RELAY_BREAKER_THRESHOLD = 1000
    settings.DELIVERY_PAUSE_MIN_ATTEMPTS = 10_000
    relay_for(smtp_server, owner.workspace)
    _campaign, run, people = launched_run(owner.workspace, 60)
    rng = random.Random(7)
    faults = [
        ("rcpt", {"reply": "550 5.1.1 No such user"}),
        ("rcpt", {"reply": "451 4.3.0 Later", "times": 2}),
        ("data", {"reply": "452 4.2.2 Full", "times": 1}),
        ("data", {"reply": "554 5.7.1 No"}),
        ("mail", {"reply": "421 4.3.2 Bye", "times": 1}),
        ("data", {"action": "drop", "times": 1}),
        ("data", {"action": "garbage", "times": 1}),
        ("rcpt", {"action": "hang", "times": 1}),
        ("data", {"action": "slow", "seconds": 0.05}),
    ]
    for person in people:
        if rng.random() < 0.6:
            phase, rule = rng.choice(faults)
            smtp_server.on(person.email, phase, **rule)

    moment = timezone.now()
    for _ in range(12):
        run_send(run.pk)
        moment += dt.timedelta(hours=2)
        with time_machine.travel(moment):
            run_send(run.pk)
        if not Delivery.objects.filter(status__in=("queued", "deferred", "sending")).exists():
            break

    deliveries = list(Delivery.objects.filter(run=run))
    assert len(deliveries) == 60
    assert {d.status for d in deliveries} <= {DeliveryStatus.SENT, DeliveryStatus.FAILED}
    received = [r.recipient for r in smtp_server.received]
    assert len(received) == len(set(received))  # nobody twice
    sent = {d.email for d in deliveries if d.status == DeliveryStatus.SENT}
    assert set(received) == sent  # every "sent" arrived, no "failed" did
    for delivery in deliveries:
        assert delivery.attempts == DeliveryAttempt.objects.filter(delivery=delivery).count()


def test_cancel_in_the_middle_of_a_batch_leaves_nothing_open(owner, smtp_server, settings):
    from postroom.delivery.sending import engine

    settings.DELIVERY_FLUSH_EVERY = 5
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 20)
    original = engine._flush

    def flush_then_cancel(job):  # the user cancels while the worker is sending
        original(job)
        if not campaign.runs.filter(status="cancelled").exists():
            campaign_transition(actor=owner, campaign=campaign, action="cancel")

    engine._flush = flush_then_cancel
    try:
        run_send(run.pk)
    finally:
        engine._flush = original

    statuses = set(Delivery.objects.filter(run=run).values_list("status", flat=True))
    assert statuses <= {DeliveryStatus.SENT, DeliveryStatus.CANCELLED}
    assert len(smtp_server.received) <= 5


def test_a_broken_dkim_key_or_sender_never_leaves_recipients_stuck(owner, smtp_server):
    from postroom.delivery.crypto import secret_encrypt

    relay = relay_for(smtp_server, owner.workspace)
    relay.dkim_domain, relay.dkim_selector = "example.com", "s1"
    relay.dkim_key_encrypted = secret_encrypt("-----BEGIN PRIVATE KEY-----\nnot a key\n")
    relay.save()
    _campaign, run, _ = launched_run(owner.workspace, 3)

    report = run_send(run.pk)

    assert report.attempts == 3 or report.stopped == "breaker"
    assert not Delivery.objects.filter(status=DeliveryStatus.SENDING).exists()
    assert DeliveryAttempt.objects.filter(response__contains="DKIM").exists()


def test_a_message_that_cannot_be_built_pauses_the_campaign_with_the_reason(owner):
    campaign, run, _ = launched_run(owner.workspace, 2)
    campaign.message.from_email = "новости@пример.рф"
    campaign.message.save()

    run_send(run.pk)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED and campaign.paused_reason
    assert not Delivery.objects.filter(status=DeliveryStatus.SENDING).exists()


def test_a_worker_whose_lease_was_taken_back_stops_instead_of_sending_twice(
    owner, smtp_server, settings
):
    import datetime as dt

    from django.utils import timezone

    from postroom.delivery.sending import engine
    from postroom.delivery.sending.maintenance import deliveries_maintain

    settings.DELIVERY_LEASE_SECONDS = 0  # renewed before every message
    settings.DELIVERY_FLUSH_EVERY = 100
    relay_for(smtp_server, owner.workspace)
    _, run, _ = launched_run(owner.workspace, 10)
    original, calls = engine._send_one, []

    def reaped_after_three(job, claimed, data):
        calls.append(claimed.id)
        if len(calls) == 3:  # the reaper decides this worker is gone
            deliveries_maintain(lease_now=timezone.now() + dt.timedelta(hours=1))
        original(job, claimed, data)

    engine._send_one = reaped_after_three
    try:
        report = engine.run_send(run.pk)
    finally:
        engine._send_one = original
    assert report.stopped == "lease lost"
    assert len(smtp_server.received) == 3

    settings.DELIVERY_LEASE_SECONDS = 300
    engine.run_send(run.pk)
    received = [r.recipient for r in smtp_server.received]
    assert len(set(received)) == 10
    duplicates = len(received) - len(set(received))
    assert duplicates <= 3
    assert Delivery.objects.filter(reclaimed__gt=0).count() >= duplicates


def test_retries_wait_for_the_recipients_send_window(owner, smtp_server):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from postroom.campaigns.schedule import window_not_before

    relay_for(smtp_server, owner.workspace)
    now = timezone.now()
    start = (now - dt.timedelta(minutes=5)).time()
    end = (now + dt.timedelta(seconds=20)).time()
    if end < start:  # the test runs close to midnight: keep the window simple
        return
    with time_machine.travel(now, tick=False):
        _campaign, run, _ = launched_run(owner.workspace, 1, window_start=start, window_end=end)
        smtp_server.on("*", "rcpt", reply="451 4.3.0 Later")
        run_send(run.pk)

    delivery = Delivery.objects.get(run=run)
    assert delivery.status == DeliveryStatus.DEFERRED
    # Backoff alone would retry in 30 to 60 seconds; the window closes in 20.
    assert delivery.next_attempt_at == window_not_before(
        delivery.next_attempt_at, time_zone="", start=start, end=end
    )
    assert delivery.next_attempt_at > now + dt.timedelta(hours=20)  # tomorrow's window
