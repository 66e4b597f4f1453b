"""Web Push into a push service that checks the VAPID JWT and decrypts the payload with the subscription's key."""

import datetime as dt

import pytest
import time_machine

from postroom.delivery.transports.base import DeviceAddress, Outgoing, ResultKind
from postroom.push.tests.conftest import NOTE, push_send
from postroom.push.tests.peers.server import Answer, SilentServer


def address(sub) -> DeviceAddress:
    return DeviceAddress(sub.endpoint, p256dh=sub.p256dh, auth=sub.auth)


def test_it_delivers_a_payload_only_the_subscription_can_decrypt(workspace, webpush):
    sub = webpush.subscribe()

    result = push_send(workspace.pk, "webpush", address(sub))

    assert result.kind == ResultKind.DELIVERED and result.code == 201
    ((sub_id, payload, headers),) = webpush.delivered
    assert sub_id == sub.id
    assert payload == {
        "title": "Spring sale",
        "body": "Everything 20% off until Sunday",
        "url": "https://shop.example.com/sale",
        "data": {"campaign": "spring", "n": 3},
    }
    assert headers["ttl"] == "3600" and headers["urgency"] == "high" and headers["topic"] == "sale"
    assert webpush.refused == []


def test_a_push_signed_with_another_workspaces_key_is_refused(workspace, webpush):
    webpush.vapid_public_key = "BOtherKeyOtherKeyOtherKey"
    sub = webpush.subscribe()

    result = push_send(workspace.pk, "webpush", address(sub))

    assert webpush.refused == ["not the subscription's application server key"]
    assert result.kind == ResultKind.RELAY_DOWN  # our credentials: every device would be refused
    assert result.code == 401


@pytest.mark.parametrize(
    ("answer", "kind", "retry_after"),
    [
        (Answer(404, b"not found"), ResultKind.RECIPIENT_GONE, None),
        (
            Answer(410, b"push subscription has unsubscribed or expired"),
            ResultKind.RECIPIENT_GONE,
            None,
        ),
        (Answer(413, b"payload too large"), ResultKind.PERMANENT, None),
        (Answer(429, b"slow down", {"retry-after": "120"}), ResultKind.TEMPORARY, 120.0),
        (Answer(503, b"busy", {"retry-after": "9"}), ResultKind.TEMPORARY, 9.0),
        (Answer(502, b"bad gateway"), ResultKind.RELAY_DOWN, None),
    ],
)
def test_it_classifies_each_answer_of_the_push_service(
    workspace, webpush, answer, kind, retry_after
):
    sub = webpush.subscribe()
    webpush.answer[sub.id] = answer

    result = push_send(workspace.pk, "webpush", address(sub))

    assert result.kind == kind
    assert result.retry_after == retry_after
    assert result.response.startswith(f"{answer.status} {answer.body.decode()}")


def test_a_subscription_without_keys_is_refused_without_a_request(workspace, webpush):
    sub = webpush.subscribe()

    result = push_send(workspace.pk, "webpush", DeviceAddress(sub.endpoint))

    assert result.kind == ResultKind.PERMANENT
    assert webpush.server.received == []


def test_an_endpoint_in_a_private_network_is_refused_unless_allowed(workspace, webpush, settings):
    settings.PUSH_ALLOW_PRIVATE = False
    sub = webpush.subscribe()

    result = push_send(workspace.pk, "webpush", address(sub))

    assert result.kind == ResultKind.PERMANENT
    assert "endpoint refused" in result.response
    assert webpush.server.received == []


def test_a_service_that_does_not_answer_in_time_is_a_temporary_failure(
    workspace, webpush, settings
):
    settings.PUSH_TIMEOUT = 0.3
    sub = webpush.subscribe()
    silent = SilentServer()
    try:
        at = DeviceAddress(f"{silent.url}/push/{sub.id}", p256dh=sub.p256dh, auth=sub.auth)
        result = push_send(workspace.pk, "webpush", at, NOTE)
    finally:
        silent.stop()

    assert result.kind == ResultKind.TEMPORARY
    assert result.phase == "connect"


def test_the_vapid_header_is_signed_again_before_it_expires(workspace, webpush):
    from postroom.delivery.transports.base import TransportContext, transport_open
    from postroom.push.providers.base import push_relay

    sub = webpush.subscribe()
    transport = transport_open(
        push_relay("webpush", workspace.pk), TransportContext(workspace.pk, 5)
    )
    message = Outgoing(1, "", sub.endpoint, NOTE.encode(), device=address(sub))
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        transport.send(message)
        transport.send(message)
        clock.shift(dt.timedelta(hours=11, minutes=30))  # the first JWT has 30 minutes left
        result = transport.send(message)
    transport.close()

    assert result.kind == ResultKind.DELIVERED and webpush.refused == []
    tokens = [r.headers["authorization"] for r in webpush.server.received]
    assert tokens[0] == tokens[1] != tokens[2]


def test_a_vapid_key_that_cannot_be_decrypted_is_the_providers_trouble(
    workspace, webpush, settings
):
    settings.FIELD_ENCRYPTION_KEY = "another key than the one it was stored with"
    sub = webpush.subscribe()

    result = push_send(workspace.pk, "webpush", address(sub))

    assert result.kind == ResultKind.RELAY_DOWN
    assert "no usable VAPID private key" in result.response
    assert webpush.server.received == []
