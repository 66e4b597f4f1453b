"""Devices registered by an app or the snippet with a registration key, which can do nothing else."""

import pytest
from rest_framework.test import APIClient

from postroom.audience.models import Subscriber
from postroom.push.models import Device
from postroom.push.services.keys import registration_key_create, registration_key_revoke

URL = "/api/v1/push/devices/register/"


@pytest.fixture
def key(workspace):
    return registration_key_create(workspace=workspace, name="iOS app")


def keyed(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Key {raw}")
    return client


def test_an_app_registers_a_device_and_again_updates_it(workspace, key):
    body = {
        "kind": "apns",
        "token": "ab" * 32,
        "platform": "ios",
        "time_zone": "Europe/Berlin",
    }

    first = keyed(key[1]).post(URL, body, format="json")
    again = keyed(key[1]).post(URL, body | {"locale": "de-DE"}, format="json")

    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    (device,) = Device.objects.all()
    assert device.workspace == workspace
    assert (device.subscriber.email, device.locale, device.time_zone) == (
        None,
        "de-DE",
        "Europe/Berlin",
    )
    contact = Subscriber.objects.get()
    assert contact.source == "api" and contact.external_id.startswith("device:")


def test_a_public_key_cannot_name_a_contact(workspace, key):
    for who in ({"email": "victim@example.com"}, {"external_id": "user-42"}):
        answer = keyed(key[1]).post(URL, {**who, "kind": "fcm", "token": "t"}, format="json")
        assert answer.status_code == 400
    assert not Subscriber.objects.exists() and not Device.objects.exists()


def test_the_customers_server_names_the_contact_with_an_api_token(owner, api):
    client = api(owner.user, owner.workspace)
    body = {"kind": "fcm", "token": "tok", "external_id": "user-42", "email": "Ann@Example.com"}

    answer = client.post(URL, body, format="json")

    assert answer.status_code == 201, answer.content
    contact = Device.objects.get().subscriber
    assert (contact.external_id, contact.email) == ("user-42", "ann@example.com")


def test_a_registration_makes_an_invalid_device_valid_again(workspace, key):
    body = {"kind": "fcm", "token": "tok"}
    keyed(key[1]).post(URL, body, format="json")
    Device.objects.update(is_valid=False, invalid_reason="404 UNREGISTERED")

    keyed(key[1]).post(URL, body, format="json")

    assert Device.objects.get().is_valid is True


def test_a_browser_registers_its_push_subscription_as_it_comes(workspace, key):
    subscription = {
        "endpoint": "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "keys": {
            "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
            "auth": "tBHItJI5svbpez7KI4CCXg",
        },
    }

    answer = keyed(key[1]).post(URL, {"kind": "webpush", **subscription}, format="json")

    assert answer.status_code == 201
    device = Device.objects.get()
    assert (device.token, device.auth) == (subscription["endpoint"], "tBHItJI5svbpez7KI4CCXg")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "webpush", "endpoint": "https://push.example.com/x"}, "keys"),
        (
            {
                "kind": "webpush",
                "endpoint": "file:///etc/passwd",
                "keys": {"p256dh": "a", "auth": "b"},
            },
            "token",
        ),
        ({"kind": "fcm"}, "token"),
        ({"kind": "fcm", "token": "t", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"kind": "pager", "token": "t"}, "kind"),
        ({"kind": "fcm", "token": "t" * 2001}, "token"),
    ],
)
def test_a_malformed_registration_is_answered_with_the_field(workspace, key, body, field):
    answer = keyed(key[1]).post(URL, body, format="json")

    assert answer.status_code == 400
    assert field in str(answer.json())
    assert not Device.objects.exists()


def test_a_private_endpoint_is_refused_at_registration(workspace, key, settings):
    settings.PUSH_ALLOW_PRIVATE = False
    body = {
        "kind": "webpush",
        "endpoint": "https://127.0.0.1/push",
        "keys": {"p256dh": "a", "auth": "b"},
    }

    answer = keyed(key[1]).post(URL, body, format="json")

    assert answer.status_code == 400 and "private network" in str(answer.json())


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/push/devices/"),
        ("post", "/api/v1/push/devices/"),
        ("get", "/api/v1/push/creatives/"),
        ("get", "/api/v1/push/providers/"),
        ("post", "/api/v1/push/registration-keys/"),
        ("get", "/api/v1/subscribers/"),
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/campaigns/"),
    ],
)
def test_the_key_can_do_nothing_else(workspace, key, method, url):
    answer = getattr(keyed(key[1]), method)(url, {}, format="json")

    assert answer.status_code in (401, 403)


def test_a_revoked_or_made_up_key_registers_nothing(workspace, key):
    registration_key_revoke(key=key[0])
    body = {"kind": "fcm", "token": "tok"}

    assert keyed(key[1]).post(URL, body, format="json").status_code == 401
    assert keyed("prk_made-up").post(URL, body, format="json").status_code == 401
    assert APIClient().post(URL, body, format="json").status_code == 401
    assert not Device.objects.exists()


def test_a_device_registered_by_key_goes_to_the_keys_workspace_only(
    workspace, key, other_owner, api
):
    other_key = registration_key_create(workspace=other_owner.workspace, name="theirs")
    body = {"kind": "fcm", "token": "same-token"}

    keyed(key[1]).post(URL, body, format="json")
    # X-Workspace cannot move a key's registration into another workspace
    client = keyed(other_key[1])
    client.defaults["HTTP_X_WORKSPACE"] = str(workspace.pk)
    client.post(URL, body | {"platform": "android"}, format="json")

    mine, theirs = Device.objects.order_by("pk")
    assert (mine.workspace, mine.platform) == (workspace, "")
    assert (theirs.workspace, theirs.platform) == (other_owner.workspace, "android")


def test_a_key_registering_too_fast_is_slowed_down(workspace, key, monkeypatch):
    from postroom.push.apis import RegistrationThrottle

    monkeypatch.setattr(RegistrationThrottle, "rate", "2/min")
    client = keyed(key[1])
    body = {"kind": "fcm", "token": "tok"}

    codes = [client.post(URL, body, format="json").status_code for _ in range(3)]

    assert codes == [201, 200, 429]
