"""The engine against a real (misbehaving) SMTP server: every answer ends in the right state."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from postroom.audience.models import (
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)
from postroom.campaigns.models import CampaignStatus, RunStatus
from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.limits import CircuitBreaker
from postroom.delivery.tests.factories import launched_run, relay_for
from postroom.delivery.transports.relays import relay_config
from postroom.delivery.transports.tokens import return_path_token_read

pytestmark = pytest.mark.django_db


def statuses(run):
    return dict(Delivery.objects.filter(run=run).values_list("email", "status"))


def test_every_recipient_gets_one_personalized_message_with_list_headers(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, run, subscribers = launched_run(owner.workspace, 12)

    report = run_send(run.pk)

    assert report.sent == 12
    assert set(statuses(run).values()) == {DeliveryStatus.SENT}
    received = smtp_server.received
    assert sorted(r.recipient for r in received) == sorted(s.email for s in subscribers)
    first = next(r for r in received if r.recipient == "person3@example.com")
    message = first.message
    assert message["Subject"] == "Hello Pat"
    assert "Pat 3" in message.get_payload()[1].get_payload(decode=True).decode()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/u/" in message["List-Unsubscribe"] and "mailto:" in message["List-Unsubscribe"]
    assert message["Precedence"] == "bulk"
    assert f"campaign-{campaign.pk}." in message["List-ID"]
    assert len({r.message["Message-ID"] for r in received}) == 12
    delivery = Delivery.objects.get(run=run, email="person3@example.com")
    token = first.sender.split("+", 1)[1].split("@", 1)[0]
    assert return_path_token_read(token) == delivery.pk
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.outcome, attempt.smtp_code, attempt.phase) == ("sent", 250, "data")
    run.refresh_from_db()
    campaign.refresh_from_db()
    assert run.status == RunStatus.FINISHED
    assert campaign.status == CampaignStatus.FINISHED


def test_the_one_click_unsubscribe_link_in_the_headers_unsubscribes(owner, smtp_server):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # a mail provider has no cookie and no token
    relay_for(smtp_server, owner.workspace)
    _campaign, run, subscribers = launched_run(owner.workspace, 1)
    run_send(run.pk)
    header = smtp_server.received[0].message["List-Unsubscribe"]
    url = header.split("<", 1)[1].split(">", 1)[0]
    path = url.split("://", 1)[1].split("/", 1)[1]

    # RFC 8058: a POST with no cookie and no CSRF token.
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Subscription.objects.get(subscriber=subscribers[0]).status == (
        SubscriptionStatus.UNSUBSCRIBED
    )


@pytest.mark.parametrize(
    ("phase", "reply", "status", "suppressed"),
    [
        ("rcpt", "550 5.1.1 No such user", DeliveryStatus.FAILED, True),
        ("rcpt", "553 5.1.3 Bad address syntax", DeliveryStatus.FAILED, True),
        ("data", "552 5.3.4 Message too big", DeliveryStatus.FAILED, False),
        ("data", "554 5.7.1 Spam detected", DeliveryStatus.FAILED, False),
        ("rcpt", "450 4.2.1 Mailbox busy", DeliveryStatus.DEFERRED, False),
        ("rcpt", "451 4.3.0 Try later", DeliveryStatus.DEFERRED, False),
        ("data", "452 4.2.2 Mailbox full", DeliveryStatus.DEFERRED, False),
    ],
)
def test_each_refusal_ends_in_its_state_with_the_answer_logged(
    owner, smtp_server, phase, reply, status, suppressed
):
    relay_for(smtp_server, owner.workspace)
    _campaign, run, _ = launched_run(owner.workspace, 3)
    smtp_server.on("person1@example.com", phase, reply=reply)

    run_send(run.pk)

    assert statuses(run) == {
        "person0@example.com": DeliveryStatus.SENT,
        "person1@example.com": status,
        "person2@example.com": DeliveryStatus.SENT,
    }
    delivery = Delivery.objects.get(run=run, email="person1@example.com")
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.smtp_code == int(reply[:3])
    assert attempt.enhanced_code == reply.split()[1]
    assert attempt.response == reply[4:]
    assert attempt.phase == phase
    assert delivery.last_response == reply[4:]
    if status == DeliveryStatus.DEFERRED:
        assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert (
        Suppression.objects.filter(
            workspace=owner.workspace,
            email="person1@example.com",
            reason=SuppressionReason.HARD_BOUNCE,
        ).exists()
        == suppressed
    )
    assert [r.recipient for r in smtp_server.received] == [
        "person0@example.com",
        "person2@example.com",
    ]


@pytest.mark.parametrize("action", ["drop", "hang", "garbage"])
def test_a_lying_server_defers_and_the_retry_delivers_once(owner, smtp_server, settings, action):
    settings.DELIVERY_SMTP_TIMEOUT = 0.5
    relay_for(smtp_server, owner.workspace)
    _campaign, run, _ = launched_run(owner.workspace, 3)
    smtp_server.on("person1@example.com", "data", action=action, times=1)

    run_send(run.pk)

    assert statuses(run)["person1@example.com"] == DeliveryStatus.DEFERRED
    assert statuses(run)["person2@example.com"] == DeliveryStatus.SENT
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        run_send(run.pk)
    assert set(statuses(run).values()) == {DeliveryStatus.SENT}
    assert sorted(r.recipient for r in smtp_server.received) == [
        "person0@example.com",
        "person1@example.com",
        "person2@example.com",
    ]
    attempts = DeliveryAttempt.objects.filter(delivery__email="person1@example.com")
    assert [a.outcome for a in attempts] == ["deferred", "sent"]


def test_a_slow_server_is_waited_for(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    _campaign, run, _ = launched_run(owner.workspace, 2)
    smtp_server.on("person0@example.com", "data", action="slow", seconds=0.5)

    run_send(run.pk)

    assert set(statuses(run).values()) == {DeliveryStatus.SENT}
    assert DeliveryAttempt.objects.get(delivery__email="person0@example.com").duration_ms >= 450


def test_temporary_failures_give_up_after_the_horizon(owner, smtp_server, settings):
    settings.DELIVERY_RETRY_HORIZON = 3600
    relay_for(smtp_server, owner.workspace)
    _campaign, run, _ = launched_run(owner.workspace, 1)
    smtp_server.on("*", "rcpt", reply="451 4.3.0 Try later")
    start = timezone.now()

    for hour in range(0, 6):
        with time_machine.travel(start + dt.timedelta(hours=hour)):
            run_send(run.pk)

    delivery = Delivery.objects.get(run=run)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_response.startswith("gave up after")
    assert delivery.attempts == DeliveryAttempt.objects.filter(delivery=delivery).count() >= 2


def test_relay_trouble_opens_the_breaker_and_spends_no_attempts(owner, smtp_server, settings):
    settings.RELAY_BREAKER_THRESHOLD = 3
    relay = relay_for(smtp_server, owner.workspace)
    _campaign, run, _ = launched_run(owner.workspace, 10)
    smtp_server.on("*", "mail", reply="421 4.3.2 Service shutting down")

    report = run_send(run.pk)

    assert report.stopped == "breaker"
    assert DeliveryAttempt.objects.count() == 3
    counts = statuses(run)
    assert list(counts.values()).count(DeliveryStatus.DEFERRED) == 3
    assert list(counts.values()).count(DeliveryStatus.QUEUED) == 7
    breaker = CircuitBreaker(relay_config(relay))
    assert breaker.state()[0] == "open"
    # While open, another job sends nothing at all.
    assert run_send(run.pk).attempts == 0
    assert DeliveryAttempt.objects.count() == 3

    # The relay recovers; after the open period a probe goes through and closes the breaker.
    smtp_server.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        report = run_send(run.pk)
    assert report.sent == 10
    assert breaker.state()[0] == "closed"
    assert set(statuses(run).values()) == {DeliveryStatus.SENT}


def test_a_refused_login_is_relay_trouble_not_the_recipients_fault(owner, settings):
    from postroom.delivery.tests.faultsmtp import FaultServer
    from postroom.delivery.transports.smtp import POOL

    settings.RELAY_BREAKER_THRESHOLD = 2
    server = FaultServer(username="user", password="right").start()
    try:
        relay_for(server, owner.workspace, username="user", password="wrong")
        _campaign, run, _ = launched_run(owner.workspace, 4)
        report = run_send(run.pk)
    finally:
        POOL.close_all()
        server.stop()

    assert report.stopped == "breaker"
    assert not Delivery.objects.filter(status=DeliveryStatus.FAILED).exists()
    attempt = DeliveryAttempt.objects.first()
    assert attempt is not None
    assert (attempt.phase, attempt.smtp_code) == ("auth", 535), attempt.response


def test_a_refused_connection_leaves_deliveries_queued_not_failed(owner, settings):
    from postroom.delivery.tests.faultsmtp import FaultServer

    settings.RELAY_BREAKER_THRESHOLD = 2
    server = FaultServer().start()
    server.stop()  # nothing listens on its port now
    relay_for(server, owner.workspace)
    _campaign, run, _ = launched_run(owner.workspace, 5)

    run_send(run.pk)

    assert not Delivery.objects.filter(status=DeliveryStatus.FAILED).exists()
    assert Delivery.objects.filter(status__in=("queued", "deferred")).count() == 5


def test_who_unsubscribed_or_was_suppressed_since_launch_is_skipped(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    _campaign, run, subscribers = launched_run(owner.workspace, 4)
    Subscription.objects.filter(subscriber=subscribers[0]).update(
        status=SubscriptionStatus.UNSUBSCRIBED
    )
    Suppression.objects.create(workspace=owner.workspace, domain="example.com", reason="manual")
    subscribers[1].status = SubscriberStatus.BLOCKLISTED
    subscribers[1].save()

    run_send(run.pk)

    assert set(statuses(run).values()) == {DeliveryStatus.SKIPPED}
    assert smtp_server.received == []


def test_too_many_refusals_pause_the_campaign_and_tell_the_owner(
    owner, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_PAUSE_MIN_ATTEMPTS = 10
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 40)
    smtp_server.on("*", "data", reply="554 5.7.1 Rejected as spam")

    with django_capture_on_commit_callbacks(execute=True):
        report = run_send(run.pk)

    campaign.refresh_from_db()
    assert report.stopped == "paused"
    assert campaign.status == CampaignStatus.PAUSED
    assert "Rejected as spam" in campaign.paused_reason
    assert DeliveryAttempt.objects.count() < 40
    assert Delivery.objects.filter(run=run, status=DeliveryStatus.QUEUED).exists()
    assert campaign.events.filter(action="autopaused").exists()
    assert any(owner.user.email in m.to for m in mail.outbox)


def test_a_test_send_goes_through_the_workspaces_relay(
    api, owner, smtp_server, django_capture_on_commit_callbacks
):
    from postroom.content.tests.factories import MessageFactory

    relay_for(smtp_server, owner.workspace)
    message = MessageFactory(workspace=owner.workspace, subject="Hi\r\nBcc: x@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        api(owner.user).post(
            f"/api/v1/messages/{message.pk}/test-send/", {"to": ["qa@example.com"]}, format="json"
        )

    (received,) = smtp_server.received
    assert received.recipient == "qa@example.com"
    assert received.message["Subject"].startswith("[Test] Hi")
    assert received.message["Bcc"] is None and received.message["Precedence"] is None


def test_utf8_mail_goes_8bit_to_a_relay_that_takes_it_and_arrives_intact(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    _campaign, run, subscribers = launched_run(owner.workspace, 1)
    subscribers[0].full_name = "Анна Петрова"
    subscribers[0].save()

    run_send(run.pk)

    message = smtp_server.received[0].message
    _text, html = message.get_payload()
    assert html["Content-Transfer-Encoding"] == "8bit"
    assert "Анна Петрова" in html.get_payload(decode=True).decode()
    assert message["Subject"] == "Hello Анна"


def test_a_segment_only_campaign_unsubscribes_from_everything_in_one_click(owner, smtp_server):
    from django.test import Client

    from postroom.audience.tests.factories import SegmentFactory
    from postroom.campaigns.models import CampaignRun
    from postroom.campaigns.tests.factories import CampaignFactory
    from postroom.delivery.sending.launch import run_launch
    from postroom.delivery.tests.factories import audience

    relay_for(smtp_server, owner.workspace)
    _, people = audience(owner.workspace, 1)
    segment = SegmentFactory(workspace=owner.workspace)  # matches everyone
    campaign = CampaignFactory(workspace=owner.workspace, segment=segment, status="running")
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    run_launch(run.pk)
    run_send(run.pk)
    header = smtp_server.received[0].message["List-Unsubscribe"]
    path = "/" + header.split("<", 1)[1].split(">", 1)[0].split("://", 1)[1].split("/", 1)[1]

    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Suppression.objects.filter(
        workspace=owner.workspace, email=people[0].email, reason=SuppressionReason.UNSUBSCRIBED
    ).exists()
    assert Subscription.objects.get(subscriber=people[0]).status == SubscriptionStatus.UNSUBSCRIBED


def test_dkim_signs_the_one_click_headers_and_verifies(owner, smtp_server):
    import base64

    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.core.exceptions import ValidationError

    from postroom.delivery.services.relays import relay_save

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = base64.b64encode(
        key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode()
    fields = {"name": "Signed", "host": "127.0.0.1", "port": smtp_server.port, "tls": "none"}
    with pytest.raises(ValidationError):
        relay_save(actor=owner, dkim_key="-----BEGIN PRIVATE KEY-----\nnope", **fields)
    relay_save(actor=owner, dkim_key=pem, dkim_domain="example.com", dkim_selector="s1", **fields)
    _, run, _ = launched_run(owner.workspace, 1)

    run_send(run.pk)

    data = smtp_server.received[0].data
    signature = data.split(b"\r\n", 1)[0]
    assert signature.startswith(b"DKIM-Signature:")
    signed = data.split(b"h=", 1)[1].split(b";", 1)[0].replace(b"\r\n", b"").replace(b" ", b"")
    assert b"list-unsubscribe-post" in signed.lower()
    record = f"v=DKIM1; k=rsa; p={public}".encode()
    assert dkim.verify(data, dnsfunc=lambda name, timeout=5: record)


def test_a_server_announcing_pipelining_gets_the_envelope_in_one_write(smtp_server):
    from unittest import mock

    from postroom.delivery.transports.base import Outgoing
    from postroom.delivery.transports.relays import RelayConfig
    from postroom.delivery.transports.smtp import SmtpTransport

    transport = SmtpTransport(
        RelayConfig(key="t", name="t", host="127.0.0.1", port=smtp_server.port), timeout=2
    )
    session = transport._session()
    with mock.patch.object(session, "send", wraps=session.send) as sent:
        result = transport.send(
            Outgoing(None, "a@example.com", "b@example.com", b"Subject: x\r\n\r\nhi\r\n")
        )
    transport.close()

    assert result.outcome == "sent"
    first = sent.call_args_list[0].args[0]
    pipelined = smtp_server.pipelining
    assert ("RCPT TO:<b@example.com>" in str(first)) == pipelined
    assert len(sent.call_args_list) == (2 if pipelined else 4)


@pytest.mark.parametrize("action", ["drop", "hang"])
def test_lost_after_the_body_went_out_counts_as_a_possible_duplicate(
    owner, smtp_server, settings, action
):
    settings.DELIVERY_SMTP_TIMEOUT = 0.5
    relay_for(smtp_server, owner.workspace)
    _, run, _ = launched_run(owner.workspace, 1)
    smtp_server.on("*", "data", action=action, times=1)

    run_send(run.pk)

    delivery = Delivery.objects.get(run=run)
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.phase, attempt.smtp_code) == ("data", None)
    assert delivery.reclaimed == 1


def test_a_refusal_followed_by_a_hang_up_keeps_the_refusal(owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    _, run, _ = launched_run(owner.workspace, 1)
    smtp_server.on("*", "rcpt", action="reply_and_close", reply="550 5.1.1 No such user")

    run_send(run.pk)

    delivery = Delivery.objects.get(run=run)
    assert delivery.status == DeliveryStatus.FAILED and delivery.reclaimed == 0
    assert Suppression.objects.filter(email=delivery.email, reason="hard_bounce").exists()
