"""Test sends are no open relay: rate-limited, suppression honoured, From on a domain of ours.

The installation's relay (EMAIL_URL) is a real SMTP server on loopback.
"""

import datetime as dt

import pytest
import time_machine

from postroom.accounts.roles import Role
from postroom.audience.services.suppressions import suppression_add
from postroom.content.tests.factories import MessageFactory
from postroom.delivery.tests.factories import relay_for
from postroom.delivery.tests.faultsmtp import FaultServer
from postroom.delivery.transports.smtp import POOL

pytestmark = pytest.mark.django_db
FIVE = [f"qa{i}@example.com" for i in range(5)]


@pytest.fixture
def installation_relay(settings):
    """The installation's relay; the installation's own domain is postroom.example."""
    server = FaultServer().start()
    settings.DELIVERY_DEFAULT_RELAY_URL = f"smtp://127.0.0.1:{server.port}"
    settings.DEFAULT_FROM_EMAIL = "Postroom <noreply@postroom.example>"
    settings.SITE_URL = "https://mail.postroom.example"
    yield server
    POOL.close_all()
    server.stop()


@pytest.fixture(autouse=True)
def _inside_one_hour():
    """Limits count per clock hour: keep each test inside one, whenever it runs."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=True):
        yield


def _send(client, message, to, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/api/v1/messages/{message.pk}/test-send/", {"to": to}, format="json")


def test_it_limits_a_burst_of_test_sends_per_user(
    api, owner, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email="news@postroom.example")
    client = api(owner.user)

    answers = [
        _send(client, message, FIVE, django_capture_on_commit_callbacks).status_code
        for _ in range(30)
    ]

    assert answers.count(202) == 10 and answers.count(429) == 20
    assert len(installation_relay.received) == 50


def test_it_limits_test_sends_per_workspace_across_its_members(
    api, owner, member, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email="news@postroom.example")
    editors = [member(Role.EDITOR, workspace=owner.workspace) for _ in range(5)]

    answers = [
        _send(api(editor.user), message, FIVE, django_capture_on_commit_callbacks).status_code
        for editor in editors
        for _ in range(10)
    ]

    # 40 of the 50 within the per-user limit; the workspace's 200 addresses an hour stop the rest
    assert answers.count(202) == 40 and answers.count(429) == 10
    refused = _send(api(owner.user), message, FIVE, django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"


def test_it_skips_suppressed_addresses(
    api, owner, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email="news@postroom.example")
    suppression_add(workspace=owner.workspace, value="gone@example.com", reason="manual")
    suppression_add(workspace=owner.workspace, value="@blocked.example", reason="manual")
    client = api(owner.user)

    partly = _send(
        client,
        message,
        ["Gone@Example.com", "ok@example.com", "x@blocked.example"],
        django_capture_on_commit_callbacks,
    )
    only = _send(client, message, ["gone@example.com"], django_capture_on_commit_callbacks)

    assert partly.status_code == 202
    assert partly.json() == {
        "to": ["ok@example.com"],
        "suppressed": ["Gone@Example.com", "x@blocked.example"],
    }
    assert only.status_code == 400 and "suppress" in only.json()["error"]["fields"]["to"][0]
    assert [r.recipient for r in installation_relay.received] == ["ok@example.com"]


def test_it_skips_an_address_suppressed_after_the_request(
    api, owner, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email="news@postroom.example")

    with django_capture_on_commit_callbacks(execute=False) as queued:
        api(owner.user).post(
            f"/api/v1/messages/{message.pk}/test-send/",
            {"to": ["late@example.com", "ok@example.com"]},
            format="json",
        )
    suppression_add(workspace=owner.workspace, value="late@example.com", reason="complaint")
    for job in queued:
        job()

    assert [r.recipient for r in installation_relay.received] == ["ok@example.com"]


@pytest.mark.parametrize(
    "sender", ["security@bigbank.example", "x@postroom.example.bigbank.example"]
)
def test_it_refuses_a_foreign_from_through_the_installations_relay(
    sender, api, owner, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email=sender)

    response = _send(api(owner.user), message, FIVE, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "postroom.example" in response.json()["error"]["fields"]["from_email"][0]
    assert installation_relay.received == []


@pytest.mark.parametrize("sender", ["news@postroom.example", "news@mail.postroom.example"])
def test_it_sends_from_the_installations_domains(
    sender, api, owner, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email=sender)

    response = _send(
        api(owner.user), message, ["qa@example.com"], django_capture_on_commit_callbacks
    )

    assert response.status_code == 202
    assert [r.sender for r in installation_relay.received] == [sender]


def test_it_sends_any_from_through_the_workspaces_own_relay(
    api, owner, smtp_server, installation_relay, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    message = MessageFactory(workspace=owner.workspace, from_email="news@shop.example")

    response = _send(
        api(owner.user), message, ["qa@example.com"], django_capture_on_commit_callbacks
    )

    assert response.status_code == 202
    assert [r.sender for r in smtp_server.received] == ["news@shop.example"]
    assert installation_relay.received == []


def test_the_page_says_why_a_test_send_was_refused(
    login, owner, installation_relay, django_capture_on_commit_callbacks
):
    message = MessageFactory(workspace=owner.workspace, from_email="security@bigbank.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner.user).post(
            f"/app/messages/{message.pk}/test/", {"to": "qa@example.com"}, follow=True
        )

    assert "postroom.example" in response.content.decode()
    assert installation_relay.received == []
