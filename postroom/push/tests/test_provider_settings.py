"""Provider settings: secrets written, never read back, encrypted at rest, checked for shape when saved."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import translation
from py_vapid import Vapid02

from postroom.accounts.roles import Role
from postroom.delivery.crypto import secret_decrypt
from postroom.push.models import PushProvider

URL = "/api/v1/push/providers/"


@pytest.fixture
def client(owner, api):
    return api(owner.user, owner.workspace)


def test_web_push_settings_get_a_vapid_key_pair_whose_private_half_is_never_shown(client, owner):
    answer = client.post(
        URL, {"kind": "webpush", "vapid_subject": "mailto:ops@example.com"}, format="json"
    )

    assert answer.status_code == 201
    public = answer.json()["vapid_public_key"]
    assert len(public) == 87 and "secret" not in answer.json()
    stored = PushProvider.objects.get(workspace=owner.workspace)
    private = secret_decrypt(stored.secret_encrypted)
    assert private and private not in stored.secret_encrypted  # encrypted, and it decrypts
    vapid = Vapid02.from_raw(private.encode())  # the private half matches the public one shown
    signed = vapid.sign(
        {"aud": "https://push.example.com", "exp": 4102444800, "sub": "mailto:a@b.c"}
    )
    assert signed["Authorization"].endswith(f"k={public}")
    assert client.get(f"{URL}{stored.pk}/").json()["has_secret"] is True
    assert private not in client.get(URL).content.decode()


def test_an_apns_key_is_stored_encrypted_and_kept_when_not_given_again(client, owner):
    p8 = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    body = {
        "kind": "apns",
        "secret": p8,
        "apns_key_id": "K1",
        "apns_team_id": "T1",
        "apns_bundle_id": "com.x",
    }
    created = client.post(URL, body, format="json").json()

    changed = client.patch(f"{URL}{created['id']}/", {"apns_sandbox": True}, format="json")

    assert changed.status_code == 200 and changed.json()["apns_sandbox"] is True
    stored = PushProvider.objects.get(pk=created["id"])
    assert secret_decrypt(stored.secret_encrypted) == p8.strip()
    assert "PRIVATE KEY" not in stored.secret_encrypted


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "fcm", "secret": "not json", "fcm_project_id": "p"}, "secret"),
        (
            {"kind": "fcm", "secret": json.dumps({"client_email": "x"}), "fcm_project_id": "p"},
            "secret",
        ),
        (
            {
                "kind": "apns",
                "secret": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----",
                "apns_key_id": "K",
                "apns_team_id": "T",
                "apns_bundle_id": "b",
            },
            "secret",
        ),
        ({"kind": "onesignal", "secret": "key"}, "onesignal_app_id"),
        ({"kind": "webpush", "secret": "short"}, "secret"),
        ({"kind": "webhook", "webhook_url": "ftp://gateway.example.com/"}, "webhook_url"),
    ],
)
def test_settings_that_cannot_work_are_refused_with_the_field(client, body, field):
    with translation.override("en"):
        answer = client.post(URL, body, format="json")

    assert answer.status_code == 400
    assert (
        field in answer.json()["errors"]
        if "errors" in answer.json()
        else field in str(answer.json())
    )
    assert not PushProvider.objects.exists()


def test_a_webhook_into_a_private_network_is_refused_unless_allowed(client, settings):
    settings.PUSH_ALLOW_PRIVATE = False

    answer = client.post(
        URL, {"kind": "webhook", "webhook_url": "https://10.0.0.5/hook"}, format="json"
    )

    assert answer.status_code == 400 and "private network" in str(answer.json())


def test_a_webhooks_generated_secret_is_shown_once(client):
    created = client.post(
        URL, {"kind": "webhook", "webhook_url": "https://gw.example.com/h"}, format="json"
    ).json()

    assert created["generated_secret"].startswith("whsec_")
    assert client.get(f"{URL}{created['id']}/").json()["generated_secret"] is None


def test_one_setting_per_kind_and_the_kind_cannot_change(client):
    first = client.post(URL, {"kind": "webpush"}, format="json").json()

    assert client.post(URL, {"kind": "webpush"}, format="json").status_code == 400
    assert client.patch(f"{URL}{first['id']}/", {"kind": "fcm"}, format="json").status_code == 400


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_relay_managers_see_or_change_providers(member, api, role):
    someone = member(role)

    assert api(someone.user, someone.workspace).get(URL).status_code == 403
