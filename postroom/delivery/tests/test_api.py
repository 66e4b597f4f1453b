"""The delivery API: relays with write-only secrets, campaign controls, deliveries and progress."""

import pytest

from postroom.accounts.roles import Role
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.crypto import secret_decrypt
from postroom.delivery.models import SmtpRelay
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import SmtpRelayFactory, audience, launched_run, relay_for

pytestmark = pytest.mark.django_db

RELAY = {"name": "Main", "host": "smtp.example.com", "port": 587, "tls": "starttls"}


def test_a_relay_password_is_stored_encrypted_and_never_returned(api, owner):
    client = api(owner.user)

    created = client.post(
        "/api/v1/relays/", {**RELAY, "username": "u", "password": "s3cret"}, format="json"
    )
    listed = client.get("/api/v1/relays/")

    assert created.status_code == 201, created.json()
    assert "password" not in created.json() and created.json()["has_password"] is True
    assert "s3cret" not in str(listed.json())
    relay = SmtpRelay.objects.get()
    assert "s3cret" not in relay.password_encrypted
    assert secret_decrypt(relay.password_encrypted) == "s3cret"
    # Changing other fields keeps the password.
    client.patch(f"/api/v1/relays/{relay.pk}/", {"port": 2525}, format="json")
    relay.refresh_from_db()
    assert (relay.port, secret_decrypt(relay.password_encrypted)) == (2525, "s3cret")


def test_a_bad_relay_is_refused_with_field_errors(api, owner):
    response = api(owner.user).post(
        "/api/v1/relays/", {**RELAY, "host": "smtp.example.com\r\nX: y", "port": 0}, format="json"
    )

    assert response.status_code == 400
    assert {"host", "port"} <= set(response.json()["error"]["fields"])


def test_relays_are_for_relay_managers_of_the_same_workspace(api, owner, member, other_owner):
    relay = SmtpRelayFactory(workspace=owner.workspace)
    editor = member(Role.EDITOR, workspace=owner.workspace)

    assert api(editor.user).get("/api/v1/relays/").status_code == 403
    other = api(other_owner.user)
    assert other.get(f"/api/v1/relays/{relay.pk}/").status_code == 404
    assert other.patch(f"/api/v1/relays/{relay.pk}/", {"port": 1}, format="json").status_code == 404
    assert other.delete(f"/api/v1/relays/{relay.pk}/").status_code == 404
    assert SmtpRelay.objects.filter(pk=relay.pk, port=25).exists()


def test_send_now_then_progress_and_deliveries_with_attempts(
    api, owner, smtp_server, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    mailing_list, _ = audience(owner.workspace, 3)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(mailing_list)
    smtp_server.on("person1@example.com", "rcpt", reply="550 5.1.1 Unknown user")
    client = api(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/campaigns/{campaign.pk}/send-now/")
    progress = client.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()
    failed = client.get(f"/api/v1/campaigns/{campaign.pk}/deliveries/?status=failed").json()

    assert sent.status_code == 201 and sent.json()["status"] == "due"
    assert progress["counts"]["sent"] == 2 and progress["counts"]["failed"] == 1
    assert progress["total"] == progress["done"] == 3
    assert progress["sandbox"] is False
    assert [d["email"] for d in failed["results"]] == ["person1@example.com"]
    attempt = failed["results"][0]["attempt_log"][0]
    assert (attempt["smtp_code"], attempt["enhanced_code"]) == (550, "5.1.1")
    assert attempt["response"] == "5.1.1 Unknown user"

    smtp_server.clear()
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"/api/v1/campaigns/{campaign.pk}/retry-failed/")
    # The address bounced hard: it is suppressed now, so the retry skips it.
    assert retried.json() == {"retried": 1}
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()["counts"]["skipped"] == 1


def test_pause_resume_cancel_through_the_api(api, owner, smtp_server):
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 5)
    client = api(owner.user)

    assert client.post(f"/api/v1/campaigns/{campaign.pk}/pause/").json()["status"] == "paused"
    assert run_send(run.pk).attempts == 0
    assert client.post(f"/api/v1/campaigns/{campaign.pk}/resume/").json()["status"] == "running"
    assert client.post(f"/api/v1/campaigns/{campaign.pk}/cancel/").json()["status"] == "cancelled"
    progress = client.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()
    assert progress["counts"]["cancelled"] == 5


def test_another_workspace_cannot_see_or_control_the_outbox(api, owner, other_owner, member):
    campaign, _, _ = launched_run(owner.workspace, 2)
    other = api(other_owner.user)
    for path in ("progress/", "deliveries/"):
        assert other.get(f"/api/v1/campaigns/{campaign.pk}/{path}").status_code == 404
    for path in ("send-now/", "pause/", "cancel/", "retry-failed/"):
        assert other.post(f"/api/v1/campaigns/{campaign.pk}/{path}").status_code == 404
    viewer = api(member(Role.VIEWER, workspace=owner.workspace).user)
    assert viewer.get(f"/api/v1/campaigns/{campaign.pk}/progress/").status_code == 200
    assert viewer.post(f"/api/v1/campaigns/{campaign.pk}/cancel/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "running"


def test_relays_into_private_networks_are_refused_unless_allowed(api, owner, settings, smtp_server):
    from postroom.delivery.sending.engine import run_send as send

    settings.RELAY_ALLOW_PRIVATE = False
    client = api(owner.user)
    for host in ("127.0.0.1", "10.1.2.3", "169.254.169.254", "localhost"):
        response = client.post("/api/v1/relays/", {**RELAY, "host": host}, format="json")
        assert response.status_code == 400, host
        assert "host" in response.json()["error"]["fields"]
    # A relay saved while allowed is not used once it is not.
    relay_for(smtp_server, owner.workspace)
    _, run, _ = launched_run(owner.workspace, 1)
    send(run.pk)
    assert smtp_server.received == []
    attempt = run_attempts(run)[0]
    assert "private network" in attempt.response


def run_attempts(run):
    from postroom.delivery.models import DeliveryAttempt

    return list(DeliveryAttempt.objects.filter(delivery__run=run))
