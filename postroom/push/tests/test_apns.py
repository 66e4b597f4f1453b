"""APNs over HTTP/2 into a server that checks the ES256 provider token and answers with Apple's reasons."""

import datetime as dt

import pytest
import time_machine

from postroom.delivery.transports.base import DeviceAddress, ResultKind
from postroom.push.tests.conftest import push_send
from postroom.push.tests.peers.apns import ERRORS

TOKEN = "a1" * 32


def test_it_sends_an_alert_with_a_provider_token(workspace, apns):
    result = push_send(workspace.pk, "apns", DeviceAddress(TOKEN))

    assert result.kind == ResultKind.DELIVERED and result.code == 200
    ((device, payload, headers),) = apns.sent
    assert device == TOKEN
    assert payload == {
        "aps": {
            "alert": {"title": "Spring sale", "body": "Everything 20% off until Sunday"},
            "mutable-content": 1,
        },
        "url": "https://shop.example.com/sale",
        "campaign": "spring",
        "n": 3,
    }
    assert headers["apns-topic"] == "com.example.app"
    assert headers["apns-push-type"] == "alert"
    assert headers["apns-priority"] == "10"
    assert headers["apns-collapse-id"] == "sale"


def test_the_provider_token_is_made_again_within_the_hour(workspace, apns):
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(3):
            push_send(workspace.pk, "apns", DeviceAddress(TOKEN))
        assert len(apns.provider_tokens) == 1

        clock.shift(dt.timedelta(minutes=51))
        result = push_send(workspace.pk, "apns", DeviceAddress(TOKEN))

    assert result.kind == ResultKind.DELIVERED  # not ExpiredProviderToken
    assert len(apns.provider_tokens) == 2


@pytest.mark.parametrize(
    ("error", "kind", "reason"),
    [
        ("bad", ResultKind.RECIPIENT_GONE, "BadDeviceToken"),
        ("gone", ResultKind.RECIPIENT_GONE, "Unregistered"),
        ("busy", ResultKind.TEMPORARY, "TooManyProviderTokenUpdates"),
        ("large", ResultKind.PERMANENT, "PayloadTooLarge"),
    ],
)
def test_it_classifies_each_apns_reason(workspace, apns, error, kind, reason):
    apns.answer[TOKEN] = ERRORS[error]

    result = push_send(workspace.pk, "apns", DeviceAddress(TOKEN))

    assert result.kind == kind
    assert reason in result.response


def test_a_token_that_is_not_hexadecimal_is_refused_before_any_request(workspace, apns):
    result = push_send(workspace.pk, "apns", DeviceAddress("../../3/device/x"))

    assert result.kind == ResultKind.PERMANENT
    assert apns.server.received == []


def test_a_key_apple_does_not_know_is_the_providers_trouble(workspace, apns):
    apns.key_id = "OTHERKEY00"

    result = push_send(workspace.pk, "apns", DeviceAddress(TOKEN))

    assert result.kind == ResultKind.RELAY_DOWN
    assert "InvalidProviderToken" in result.response
