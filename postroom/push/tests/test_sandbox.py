"""The push sandbox: chosen when a workspace has no settings for a provider, it keeps notifications."""

import pytest

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.delivery.transports.base import (
    DeviceAddress,
    Outgoing,
    ResultKind,
    TransportContext,
    transport_open,
)
from postroom.push.payloads import Notification
from postroom.push.providers.base import push_relay
from postroom.push.providers.sandbox import sandbox_inbox, sandbox_inbox_last
from postroom.push.services.providers import provider_save
from postroom.push.tests.conftest import NOTE, push_send

DEVICE = DeviceAddress("https://push.example.net/sub/1", p256dh="k", auth="a")


@pytest.fixture
def sandbox_on(settings, tmp_path):
    settings.PUSH_SANDBOX = True
    settings.PUSH_SANDBOX_DIR = tmp_path / "push"
    return settings


@pytest.mark.parametrize("kind", ["webpush", "fcm", "apns", "onesignal"])
def test_it_is_the_relay_of_a_provider_without_settings(sandbox_on, workspace, kind):
    relay = push_relay(kind, workspace.pk)

    assert relay.transport == "push-sandbox"
    assert relay.key == f"push-sandbox-{workspace.pk}"


def test_it_is_not_used_for_a_provider_with_settings_or_when_off(sandbox_on, workspace):
    provider_save(workspace=workspace, provider=None, kind="webpush", secret=None, fields={})

    assert push_relay("webpush", workspace.pk).transport == "webpush"
    assert push_relay("webhook", workspace.pk).transport == "push-webhook"
    sandbox_on.PUSH_SANDBOX = False
    assert push_relay("fcm", workspace.pk).transport == "fcm"


def test_it_keeps_the_notification_as_the_browser_would_get_it(sandbox_on, workspace):
    result = push_send(workspace.pk, "fcm", DEVICE)

    assert result.kind == ResultKind.DELIVERED
    assert "sandbox" in result.response
    [entry] = sandbox_inbox(workspace_id=workspace.pk, token=DEVICE.token)
    assert entry["delivery_id"] == 42
    assert entry["notification"] == NOTE.display()
    files = list((sandbox_on.PUSH_SANDBOX_DIR / str(workspace.pk)).rglob("*"))
    assert all(not f.name.endswith(".part") for f in files)


def test_the_inbox_gives_what_came_after_an_entry_per_device_and_workspace(sandbox_on, workspace):
    for n in range(3):
        push_send(workspace.pk, "webpush", DEVICE, Notification(title=f"n{n}", body="b"))
    push_send(workspace.pk, "webpush", DeviceAddress("https://push.example.net/sub/2"))

    first, *rest = sandbox_inbox(workspace_id=workspace.pk, token=DEVICE.token)
    later = sandbox_inbox(workspace_id=workspace.pk, token=DEVICE.token, after=first["id"])

    assert [e["notification"]["title"] for e in later] == ["n1", "n2"]
    assert later == rest
    assert sandbox_inbox_last(workspace_id=workspace.pk, token=DEVICE.token) == rest[-1]["id"]
    assert sandbox_inbox(workspace_id=WorkspaceFactory().pk, token=DEVICE.token) == []
    assert sandbox_inbox(workspace_id=workspace.pk, token=DEVICE.token, after="../../x") != []


def test_a_message_without_a_device_or_a_notification_is_refused(sandbox_on, workspace):
    assert push_send(workspace.pk, "apns", None).kind == ResultKind.PERMANENT

    transport = transport_open(push_relay("apns", workspace.pk), TransportContext(workspace.pk, 5))
    result = transport.send(Outgoing(1, "", "t", b"not json", DeviceAddress("t")))

    assert result.kind == ResultKind.PERMANENT


def test_an_inbox_keeps_its_newest_entries_only(sandbox_on, workspace, monkeypatch):
    monkeypatch.setattr("postroom.push.providers.sandbox.INBOX_KEEP", 3)
    for n in range(5):
        push_send(workspace.pk, "webpush", DEVICE, Notification(title=f"n{n}", body="b"))

    kept = sandbox_inbox(workspace_id=workspace.pk, token=DEVICE.token)

    assert [entry["notification"]["title"] for entry in kept] == ["n2", "n3", "n4"]
