"""A relay's bounce mailbox settings, from the API and the relay form: secrets write-only."""

import pytest

from postroom.delivery.crypto import secret_decrypt
from postroom.delivery.models import SmtpRelay

pytestmark = pytest.mark.django_db

RELAY = {"name": "Main", "host": "smtp.example.com", "port": 587, "tls": "starttls"}
MAILBOX = {
    "mailbox_protocol": "imap",
    "mailbox_host": "imap.example.com",
    "mailbox_tls": "implicit",
    "mailbox_username": "bounces@example.com",
}


def test_the_mailbox_password_is_written_never_read(api, owner):
    client = api(owner.user)

    created = client.post(
        "/api/v1/relays/", {**RELAY, **MAILBOX, "mailbox_password": "imap-pa55"}, format="json"
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert "mailbox_password" not in body and body["has_mailbox_password"] is True
    assert body["mailbox_protocol"] == "imap" and body["mailbox_folder"] == "INBOX"
    assert body["mailbox_polled_at"] is None and body["mailbox_error"] == ""
    relay = SmtpRelay.objects.get()
    assert secret_decrypt(relay.mailbox_password_encrypted) == "imap-pa55"
    assert "imap-pa55" not in str(client.get("/api/v1/relays/").json())
    client.patch(
        f"/api/v1/relays/{relay.pk}/", {"mailbox_error": "forged", "port": 2525}, format="json"
    )
    relay.refresh_from_db()
    assert relay.mailbox_error == ""  # read-only
    assert secret_decrypt(relay.mailbox_password_encrypted) == "imap-pa55"


def test_a_mailbox_is_checked_like_the_relay(api, owner, settings):
    settings.RELAY_ALLOW_PRIVATE = False
    client = api(owner.user)

    private = client.post(
        "/api/v1/relays/", {**RELAY, **MAILBOX, "mailbox_host": "10.0.0.8"}, format="json"
    )
    anonymous = client.post(
        "/api/v1/relays/", {**RELAY, **MAILBOX, "mailbox_username": ""}, format="json"
    )
    without = client.post("/api/v1/relays/", {**RELAY, "mailbox_host": "10.0.0.8"}, format="json")

    assert private.status_code == 400 and "mailbox_host" in private.json()["error"]["fields"]
    assert anonymous.status_code == 400
    assert "mailbox_username" in anonymous.json()["error"]["fields"]
    assert without.status_code == 201  # no mailbox: its fields are not used


def test_the_relay_form_takes_a_pop3_mailbox(login, owner):
    client = login(owner.user)

    response = client.post(
        "/app/settings/relays/new/",
        {
            **RELAY,
            "max_connections": 2,
            "is_active": "on",
            "mailbox_protocol": "pop3",
            "mailbox_host": "pop.example.com",
            "mailbox_port": 995,
            "mailbox_tls": "implicit",
            "mailbox_username": "bounces",
            "mailbox_password": "pop-pa55",
            "mailbox_folder": "",
        },
    )

    assert response.status_code == 302, response.content.decode()
    relay = SmtpRelay.objects.get()
    assert (relay.mailbox_protocol, relay.mailbox_port) == ("pop3", 995)
    assert secret_decrypt(relay.mailbox_password_encrypted) == "pop-pa55"
    edit = client.get(f"/app/settings/relays/{relay.pk}/").content.decode()
    assert "pop-pa55" not in edit and "A mailbox password is stored." in edit
    assert 'id="poll-now"' in edit
