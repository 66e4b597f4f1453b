"""FCM HTTP v1 into a server that checks the OAuth exchange and answers with FCM's real error bodies."""

import datetime as dt

import pytest
import time_machine

from postroom.delivery.transports.base import DeviceAddress, ResultKind
from postroom.push.tests.conftest import push_send
from postroom.push.tests.peers.fcm import ERRORS


def test_it_sends_with_an_oauth_token_from_the_service_account_over_http2(workspace, fcm):
    result = push_send(workspace.pk, "fcm", DeviceAddress("token-a"))

    assert result.kind == ResultKind.DELIVERED
    assert "projects/demo-project/messages/1" in result.response
    (message,) = fcm.sent
    assert message["token"] == "token-a"
    assert message["notification"] == {
        "title": "Spring sale",
        "body": "Everything 20% off until Sunday",
    }
    assert message["data"] == {
        "campaign": "spring",
        "n": "3",
        "url": "https://shop.example.com/sale",
    }
    assert message["android"] == {"ttl": "3600s", "priority": "HIGH", "collapse_key": "sale"}
    assert message["http_version"] == "2"


def test_the_token_is_kept_until_it_expires(workspace, fcm):
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        push_send(workspace.pk, "fcm", DeviceAddress("token-a"))
        push_send(workspace.pk, "fcm", DeviceAddress("token-b"))
        assert len(fcm.tokens_issued) == 1

        clock.shift(dt.timedelta(minutes=61))
        push_send(workspace.pk, "fcm", DeviceAddress("token-c"))

    assert len(fcm.tokens_issued) == 2
    assert len(fcm.sent) == 3


def test_the_token_uri_of_an_uploaded_service_account_is_not_followed(workspace, fcm, settings):
    # The uploaded JSON names Google's token URI; only PUSH_FCM_TOKEN_URL is asked.
    assert "oauth2.googleapis.com" in fcm.service_account_json()

    push_send(workspace.pk, "fcm", DeviceAddress("token-a"))

    assert fcm.server.received[0].path == "/token"


@pytest.mark.parametrize(
    ("error", "kind", "retry_after", "words"),
    [
        ("unregistered", ResultKind.RECIPIENT_GONE, None, "UNREGISTERED"),
        ("invalid", ResultKind.PERMANENT, None, "INVALID_ARGUMENT"),
        ("quota", ResultKind.TEMPORARY, 37.0, "QUOTA_EXCEEDED"),
        ("unavailable", ResultKind.RELAY_DOWN, None, "UNAVAILABLE"),
    ],
)
def test_it_classifies_each_fcm_error(workspace, fcm, error, kind, retry_after, words):
    fcm.answer["token-x"] = ERRORS[error]

    result = push_send(workspace.pk, "fcm", DeviceAddress("token-x"))

    assert result.kind == kind
    assert result.retry_after == retry_after
    assert words in result.response
    assert result.code == ERRORS[error].status


def test_a_service_account_the_token_endpoint_refuses_is_the_providers_trouble(workspace, fcm):
    from postroom.push.models import PushProvider
    from postroom.push.services.providers import provider_save
    from postroom.push.tests.peers.fcm import FakeFcm

    stranger = FakeFcm()
    try:
        provider_save(
            workspace=workspace,
            provider=PushProvider.objects.get(workspace=workspace, kind="fcm"),
            kind="fcm",
            secret=stranger.service_account_json(),  # signed by a key the server does not know
            fields={},
        )
        result = push_send(workspace.pk, "fcm", DeviceAddress("token-a"))
    finally:
        stranger.stop()

    assert result.kind == ResultKind.RELAY_DOWN
    assert "OAuth token refused" in result.response
    assert fcm.sent == []
