"""Provider webhooks through django-anymail: signatures checked, events taken in once."""

import base64
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from postroom.audience.models import Subscription, Suppression
from postroom.delivery.models import BounceEvent, Delivery, DeliveryStatus
from postroom.delivery.tests.factories import launched_run
from postroom.delivery.transports.tokens import message_id, return_path

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

SIGNING_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
BASIC = "Basic " + base64.b64encode(b"hook:s3cret").decode()


@pytest.fixture
def sent(owner):
    _, run, subscribers = launched_run(owner.workspace, 3)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    return list(Delivery.objects.filter(run=run).order_by("email")), subscribers


@pytest.fixture
def secrets(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret", "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def mailgun_failed(
    delivery, *, token="b6f4c2f8a7d14cd1bd6e9a7e1e0a9c3f2d4e5f60718293a4b5", key=SIGNING_KEY
):
    timestamp = "1710346502"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    mid = message_id(delivery.pk, "news@news.example.com").strip("<>")
    return {
        "signature": {"token": token, "timestamp": timestamp, "signature": signature},
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "reason": "bounce",
            "id": "G9Bn5sl1TC6nu79C8C0bwg",
            "timestamp": 1710346502.123456,
            "log-level": "error",
            "recipient": delivery.email,
            "recipient-domain": "example.com",
            "envelope": {
                "sender": return_path(delivery.pk, "news@news.example.com"),
                "transport": "smtp",
                "targets": delivery.email,
            },
            "message": {
                "headers": {
                    "to": delivery.email,
                    "message-id": mid,
                    "from": "Example News <news@news.example.com>",
                    "subject": "Hello Pat",
                },
                "attachments": [],
                "size": 1211,
            },
            "delivery-status": {
                "tls": True,
                "mx-host": "mx.example.com",
                "code": 550,
                "description": "",
                "attempt-no": 1,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "certificate-verified": True,
            },
            "flags": {"is-routed": False, "is-authenticated": True, "is-test-mode": False},
            "tags": [],
            "user-variables": {},
        },
    }


def post(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def test_mailgun_bounce_is_taken_in_once(client, sent, secrets):
    deliveries, _ = sent
    payload = mailgun_failed(deliveries[0])

    first = post(client, "/webhooks/anymail/mailgun/tracking/", payload, HTTP_AUTHORIZATION=BASIC)
    replay = post(client, "/webhooks/anymail/mailgun/tracking/", payload, HTTP_AUTHORIZATION=BASIC)

    assert (first.status_code, replay.status_code) == (200, 200)
    event = BounceEvent.objects.get()
    assert (event.kind, event.email, event.status) == ("hard", deliveries[0].email, "5.1.1")
    assert event.source == "webhook:mailgun" and event.delivery_id == deliveries[0].pk
    assert event.event_id == f"webhook:mailgun:{payload['signature']['token']}"
    assert list(Suppression.objects.values_list("email", "reason")) == [
        (deliveries[0].email, "hard_bounce")
    ]


def test_a_mailgun_event_with_a_bad_signature_is_refused(client, sent, secrets):
    deliveries, _ = sent
    forged = mailgun_failed(deliveries[0], key="key-not-the-right-one")

    response = post(client, "/webhooks/anymail/mailgun/tracking/", forged, HTTP_AUTHORIZATION=BASIC)

    assert response.status_code == 400
    assert not BounceEvent.objects.exists() and not Suppression.objects.exists()


def test_mailgun_temporary_failures_are_soft(client, sent, secrets):
    deliveries, _ = sent
    payload = mailgun_failed(deliveries[1])
    payload["event-data"]["severity"] = "temporary"
    payload["event-data"]["delivery-status"]["message"] = "4.2.2 Mailbox full"

    post(client, "/webhooks/anymail/mailgun/tracking/", payload, HTTP_AUTHORIZATION=BASIC)

    assert BounceEvent.objects.get().kind == "soft" and not Suppression.objects.exists()


def sendgrid_events(deliveries):
    ours = message_id(deliveries[0].pk, "news@news.example.com")
    base = {
        "timestamp": 1710346502,
        "category": ["newsletter"],
        "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
    }
    return [
        {**base, "email": deliveries[0].email, "smtp-id": ours, "event": "bounce",
         "sg_event_id": "6g4ZI7SA-xmRDv57GoPIPw==", "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
         "status": "5.1.1", "type": "bounce"},
        {**base, "email": deliveries[1].email, "event": "spamreport", "sg_event_id": "Ktc6WPb2SCqkr9RiDtyq7w=="},
        {**base, "email": deliveries[2].email, "event": "deferred", "sg_event_id": "zmzJhfJgAfUSOW80yEbPyw==",
         "response": "450 4.2.0 Mailbox temporarily unavailable", "attempt": "1"},
        {**base, "email": deliveries[2].email, "event": "open", "sg_event_id": "FOTFFO0ecsBE-zxFXfs6WA==", "useragent": "Mozilla/5.0", "ip": "192.0.2.1"},
    ]  # fmt: skip


def test_sendgrid_events_need_the_webhook_secret_and_are_taken_in_once(client, sent, secrets):
    deliveries, subscribers = sent
    events = sendgrid_events(deliveries)

    refused = post(client, "/webhooks/anymail/sendgrid/tracking/", events)
    first = post(client, "/webhooks/anymail/sendgrid/tracking/", events, HTTP_AUTHORIZATION=BASIC)
    replay = post(client, "/webhooks/anymail/sendgrid/tracking/", events, HTTP_AUTHORIZATION=BASIC)

    assert (refused.status_code, first.status_code, replay.status_code) == (400, 200, 200)
    kinds = dict(BounceEvent.objects.values_list("email", "kind"))
    assert kinds == {
        deliveries[0].email: "hard",
        deliveries[1].email: "complaint",
        deliveries[2].email: "soft",
    }
    assert set(Suppression.objects.values_list("email", "reason")) == {
        (deliveries[0].email, "hard_bounce"),
        (deliveries[1].email, "complaint"),
    }
    complainer = next(s for s in subscribers if s.email == deliveries[1].email)
    assert Subscription.objects.get(subscriber=complainer).status == "unsubscribed"


def postmark_bounce(email, **fields):
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "news@news.example.com",
        "BouncedAt": "2024-03-13T16:15:02Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Hello Pat",
        **fields,
    }


def test_postmark_events_match_the_latest_delivery_to_the_address(client, sent, secrets):
    # Postmark's MessageID is its own: the recipient's most recent delivery stands in.
    deliveries, _ = sent
    url = "/webhooks/anymail/postmark/tracking/"

    refused = post(client, url, postmark_bounce(deliveries[0].email))
    bounce = post(client, url, postmark_bounce(deliveries[0].email), HTTP_AUTHORIZATION=BASIC)
    replay = post(client, url, postmark_bounce(deliveries[0].email), HTTP_AUTHORIZATION=BASIC)
    complaint = post(
        client,
        url,
        postmark_bounce(
            deliveries[1].email,
            RecordType="SpamComplaint",
            Type="SpamComplaint",
            ID=42,
            Details="",
            Description="",
        ),
        HTTP_AUTHORIZATION=BASIC,
    )
    stranger = post(
        client, url, postmark_bounce("nobody@example.org", ID=43), HTTP_AUTHORIZATION=BASIC
    )

    assert [r.status_code for r in (refused, bounce, replay, complaint, stranger)] == [
        400,
        200,
        200,
        200,
        200,
    ]
    events = list(BounceEvent.objects.order_by("pk").values_list("delivery_id", "kind", "status"))
    assert events == [(deliveries[0].pk, "hard", "5.1.1"), (deliveries[1].pk, "complaint", "")]


def test_postmark_soft_bounces_are_soft(client, sent, secrets):
    deliveries, _ = sent
    soft = postmark_bounce(deliveries[2].email, Type="SoftBounce", Details="452 4.2.2 Over quota")

    post(client, "/webhooks/anymail/postmark/tracking/", soft, HTTP_AUTHORIZATION=BASIC)

    assert BounceEvent.objects.get().kind == "soft"


def test_without_any_webhook_secret_events_are_not_trusted(client, sent, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    deliveries, _ = sent

    with pytest.warns(Warning):  # anymail: "Your Anymail webhooks are insecure"
        response = post(
            client, "/webhooks/anymail/postmark/tracking/", postmark_bounce(deliveries[0].email)
        )

    assert response.status_code == 200
    assert not BounceEvent.objects.exists() and not Suppression.objects.exists()
