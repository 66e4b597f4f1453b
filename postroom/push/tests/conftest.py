"""Fake providers on loopback, the settings pointed at them, and a one-call send through the registry."""

from collections.abc import Iterator

import pytest

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.delivery.transports.base import (
    DeviceAddress,
    Outgoing,
    SendResult,
    TransportContext,
    transport_open,
)
from postroom.push.payloads import Notification
from postroom.push.providers.base import http_clients_close, push_relay
from postroom.push.services.providers import provider_save
from postroom.push.tests.peers.apns import FakeApns
from postroom.push.tests.peers.fcm import FakeFcm
from postroom.push.tests.peers.onesignal import FakeOneSignal
from postroom.push.tests.peers.webhook import WebhookReceiver
from postroom.push.tests.peers.webpush import FakeWebPush

NOTE = Notification(
    title="Spring sale",
    body="Everything 20% off until Sunday",
    click_url="https://shop.example.com/sale",
    data={"campaign": "spring", "n": 3},
    ttl=3600,
    urgency="high",
    collapse_key="sale",
)


@pytest.fixture(autouse=True)
def _fresh_http_clients() -> Iterator[None]:
    # Pooled per worker; each test's fake servers are new, so are its connections.
    yield
    http_clients_close()


def push_send(
    workspace_id: int,
    kind: str,
    device: DeviceAddress | None,
    note: Notification = NOTE,
    *,
    recipient: str = "",
) -> SendResult:
    transport = transport_open(
        push_relay(kind, workspace_id), TransportContext(workspace_id=workspace_id, timeout=5)
    )
    try:
        message = Outgoing(
            delivery_id=42,
            sender="",
            recipient=recipient or (device.token if device else ""),
            data=note.encode(),
            device=device,
        )
        result = transport.send(message)
        transport.flush()
        return result
    finally:
        transport.close()


@pytest.fixture
def workspace(db: None):
    return WorkspaceFactory()


def webpush_service(workspace) -> Iterator[FakeWebPush]:
    """The workspace's Web Push settings (a VAPID key pair) and a push service that decrypts."""
    provider = provider_save(
        workspace=workspace,
        provider=None,
        kind="webpush",
        secret=None,
        fields={"vapid_subject": "mailto:ops@example.com"},
    )
    fake = FakeWebPush(provider.vapid_public_key)
    yield fake
    http_clients_close()
    fake.stop()


@pytest.fixture
def webpush(workspace) -> Iterator[FakeWebPush]:
    yield from webpush_service(workspace)


@pytest.fixture
def fcm(workspace, settings) -> Iterator[FakeFcm]:
    fake = FakeFcm()
    settings.PUSH_FCM_URL = fake.server.url
    settings.PUSH_FCM_TOKEN_URL = fake.token_url
    provider_save(
        workspace=workspace,
        provider=None,
        kind="fcm",
        secret=fake.service_account_json(),
        fields={"fcm_project_id": fake.project_id},
    )
    yield fake
    http_clients_close()
    fake.stop()


@pytest.fixture
def apns(workspace, settings) -> Iterator[FakeApns]:
    fake = FakeApns()
    settings.PUSH_APNS_URL = fake.server.url
    provider_save(
        workspace=workspace,
        provider=None,
        kind="apns",
        secret=fake.p8(),
        fields={
            "apns_key_id": fake.key_id,
            "apns_team_id": fake.team_id,
            "apns_bundle_id": fake.topic,
        },
    )
    yield fake
    http_clients_close()
    fake.stop()


@pytest.fixture
def onesignal(workspace, settings) -> Iterator[FakeOneSignal]:
    fake = FakeOneSignal()
    settings.PUSH_ONESIGNAL_URL = fake.server.url
    provider_save(
        workspace=workspace,
        provider=None,
        kind="onesignal",
        secret=fake.rest_key,
        fields={"onesignal_app_id": fake.app_id},
    )
    yield fake
    http_clients_close()
    fake.stop()


@pytest.fixture
def gateway(workspace) -> Iterator[WebhookReceiver]:
    """The workspace's webhook channel, posting to a gateway that checks each signature."""
    provider = provider_save(
        workspace=workspace,
        provider=None,
        kind="webhook",
        secret=None,
        fields={"webhook_url": "http://127.0.0.1:9/"},
    )
    receiver = WebhookReceiver(provider.generated_secret)
    provider.webhook_url = f"{receiver.server.url}/sms"
    provider.save()
    yield receiver
    receiver.stop()
