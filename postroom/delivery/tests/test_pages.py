"""The outbox's pages: relays, sandbox, progress and the deliveries table, scoped and guarded."""

import csv
import io

import pytest

from postroom.accounts.roles import Role
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.crypto import secret_decrypt
from postroom.delivery.models import SandboxMessage, SmtpRelay
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import SmtpRelayFactory, audience, launched_run, relay_for

pytestmark = pytest.mark.django_db


def test_a_relay_is_added_from_the_app_with_its_password_encrypted(login, owner):
    client = login(owner.user)
    page = client.get("/app/settings/relays/")
    assert "Sandbox: nothing is delivered" in page.content.decode()

    response = client.post(
        "/app/settings/relays/new/",
        {
            "name": "Mailgun",
            "host": "smtp.mailgun.org",
            "port": 587,
            "tls": "starttls",
            "username": "postmaster",
            "password": "pa55",
            "max_connections": 3,
            "rate_per_minute": 600,
            "is_default": "on",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    relay = SmtpRelay.objects.get(workspace=owner.workspace)
    assert secret_decrypt(relay.password_encrypted) == "pa55"
    listing = client.get("/app/settings/relays/").content.decode()
    assert "Mailgun" in listing and "pa55" not in listing
    assert "Sandbox: nothing is delivered" not in listing
    edit = client.get(f"/app/settings/relays/{relay.pk}/").content.decode()
    assert "pa55" not in edit and relay.password_encrypted not in edit


def test_relay_pages_are_for_relay_managers_of_the_workspace(login, owner, member, other_owner):
    relay = SmtpRelayFactory(workspace=owner.workspace)
    editor = member(Role.EDITOR, workspace=owner.workspace)

    assert login(editor.user).get("/app/settings/relays/").status_code == 403
    client = login(other_owner.user)
    assert client.get(f"/app/settings/relays/{relay.pk}/").status_code == 404
    assert client.post(f"/app/settings/relays/{relay.pk}/delete/").status_code == 404
    assert SmtpRelay.objects.filter(pk=relay.pk).exists()


def test_without_a_relay_a_campaign_lands_in_the_sandbox_shown_in_the_app(
    login, owner, other_owner
):
    campaign, run, _ = launched_run(owner.workspace, 3)
    run_send(run.pk)
    client = login(owner.user)

    page = client.get(f"/app/campaigns/{campaign.pk}/").content.decode()
    sandbox = client.get("/app/sandbox/").content.decode()
    kept = SandboxMessage.objects.filter(recipient="person1@example.com").get()
    detail = client.get(f"/app/sandbox/{kept.pk}/").content.decode()

    assert "Sandbox: nothing is delivered" in page
    assert 'data-status="sent">3<' in page
    assert "person1@example.com" in sandbox and "Sandbox: nothing is delivered" in sandbox
    assert "Hello Pat" in detail and "List-Unsubscribe" in detail
    assert "Pat 1" in detail  # the personalized body
    assert login(other_owner.user).get(f"/app/sandbox/{kept.pk}/").status_code == 404


def test_send_now_from_the_campaign_page(
    login, owner, smtp_server, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    mailing_list, _ = audience(owner.workspace, 2)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(mailing_list)
    client = login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/campaigns/{campaign.pk}/send_now/")

    assert response.status_code == 302
    assert len(smtp_server.received) == 2
    progress = client.get(f"/app/campaigns/{campaign.pk}/progress/").content.decode()
    assert 'data-status="sent">2<' in progress


def test_the_deliveries_table_filters_and_exports_every_attempt(
    login, owner, smtp_server, other_owner
):
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 3)
    smtp_server.on("person2@example.com", "rcpt", reply='550 =HYPERLINK("http://evil")')
    run_send(run.pk)
    client = login(owner.user)

    failed = client.get(f"/app/campaigns/{campaign.pk}/deliveries/?status=failed").content.decode()
    export = client.get(f"/app/campaigns/{campaign.pk}/deliveries/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))

    assert "person2@example.com" in failed and "person0@example.com" not in failed
    assert rows[0][:3] == ["email", "status", "attempts"]
    assert len(rows) == 4
    bounced = next(r for r in rows if r[0] == "person2@example.com")
    assert bounced[1] == "failed" and bounced[6] == "550"
    assert bounced[8].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert (
        login(other_owner.user).get(f"/app/campaigns/{campaign.pk}/deliveries/").status_code == 404
    )
