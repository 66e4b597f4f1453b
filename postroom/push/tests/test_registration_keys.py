"""Registration keys: made by relay managers, shown once, stored as a hash, revoked by DELETE."""

from rest_framework.test import APIClient

from postroom.accounts.roles import Role
from postroom.push.models import RegistrationKey

URL = "/api/v1/push/registration-keys/"


def test_a_key_is_shown_once_and_only_its_hash_is_kept(owner, api):
    client = api(owner.user, owner.workspace)

    created = client.post(URL, {"name": "Android app"}, format="json").json()

    raw = created["key"]
    assert raw.startswith("prk_") and created["prefix"] == raw[:10]
    assert client.get(f"{URL}{created['id']}/").json()["key"] is None
    stored = RegistrationKey.objects.get()
    assert raw not in (stored.key_hash, stored.prefix, stored.name)


def test_a_revoked_key_stays_listed_and_registers_nothing(owner, api):
    client = api(owner.user, owner.workspace)
    created = client.post(URL, {"name": "site"}, format="json").json()

    assert client.delete(f"{URL}{created['id']}/").status_code == 204

    assert client.get(URL).json()["results"][0]["is_active"] is False
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Key {created['key']}")
    body = {"kind": "fcm", "token": "t"}
    assert app.post("/api/v1/push/devices/register/", body, format="json").status_code == 401


def test_editors_cannot_make_keys(member, api):
    editor = member(Role.EDITOR)

    assert (
        api(editor.user, editor.workspace).post(URL, {"name": "x"}, format="json").status_code
        == 403
    )
