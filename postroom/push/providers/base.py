"""What every push transport shares: its workspace's provider settings, pooled HTTP clients, a timer.

Each provider module implements the engine's `Transport` protocol
(`postroom.delivery.transports.base`) and registers a factory under its
name; a relay whose `transport` is that name sends through it. The
provider's settings are read once per `transport_open` from `PushProvider`,
its secret decrypted there.
"""

import threading
import time
from dataclasses import dataclass
from typing import ClassVar

import httpx
from django.conf import settings
from django.utils import timezone

from postroom.delivery.crypto import secret_decrypt
from postroom.delivery.transports.base import Capabilities, Outgoing, ResultKind, SendResult
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.models import PushProvider
from postroom.push.providers.classify import http_classify, transport_error
from postroom.push.services.devices import GoneToken, devices_invalidate

PUSH = Capabilities(channel="push")


@dataclass(frozen=True)
class ProviderConfig:
    """One workspace's provider settings with the secret in clear (kept in memory only)."""

    workspace_id: int
    kind: str
    secret: str
    vapid_public_key: str = ""
    vapid_subject: str = ""
    fcm_project_id: str = ""
    apns_key_id: str = ""
    apns_team_id: str = ""
    apns_bundle_id: str = ""
    apns_sandbox: bool = False
    onesignal_app_id: str = ""
    webhook_url: str = ""


def provider_config(workspace_id: int, kind: str) -> ProviderConfig | None:
    """The workspace's active settings for `kind`, or None when it has none."""
    row = PushProvider.objects.filter(workspace_id=workspace_id, kind=kind, is_active=True).first()
    if row is None:
        return None
    return ProviderConfig(
        workspace_id=workspace_id,
        kind=kind,
        secret=secret_decrypt(row.secret_encrypted),
        vapid_public_key=row.vapid_public_key,
        vapid_subject=row.vapid_subject,
        fcm_project_id=row.fcm_project_id,
        apns_key_id=row.apns_key_id,
        apns_team_id=row.apns_team_id,
        apns_bundle_id=row.apns_bundle_id,
        apns_sandbox=row.apns_sandbox,
        onesignal_app_id=row.onesignal_app_id,
        webhook_url=row.webhook_url,
    )


def push_relay(kind: str, workspace_id: int) -> RelayConfig:
    """The relay the engine's limits and breaker know a workspace's provider by.

    With PUSH_SANDBOX on (`make run`), a workspace without settings for `kind`
    sends to the push sandbox (`postroom.push.providers.sandbox`), as mail goes
    to the mail sandbox when there is no relay; off, such a push waits for its
    provider's settings (`not_configured`).
    """
    if settings.PUSH_SANDBOX and kind != "webhook" and not _configured(workspace_id, kind):
        return RelayConfig(
            key=f"push-sandbox-{workspace_id}",
            name="sandbox",
            max_connections=8,
            transport="push-sandbox",
        )
    return RelayConfig(
        key=f"push-{kind}-{workspace_id}", name=kind, max_connections=8, transport=_NAMES[kind]
    )


def _configured(workspace_id: int, kind: str) -> bool:
    return PushProvider.objects.filter(
        workspace_id=workspace_id, kind=kind, is_active=True
    ).exists()


_NAMES = {
    "webpush": "webpush",
    "fcm": "fcm",
    "apns": "apns",
    "onesignal": "onesignal",
    "webhook": "push-webhook",
}
_CLIENTS: dict[tuple[str, bool], httpx.Client] = {}
_LOCK = threading.Lock()


def http_client(name: str, *, http2_only: bool = False) -> httpx.Client:
    """A pooled client per provider, shared by the worker's jobs (HTTP/2 where the provider speaks it).

    `http2_only` speaks HTTP/2 even without TLS (prior knowledge), as APNs and
    FCM are spoken to; over TLS it offers h2 only.
    """
    with _LOCK:
        client = _CLIENTS.get((name, http2_only))
        if client is None:
            client = httpx.Client(
                http1=not http2_only,
                http2=True,
                timeout=settings.PUSH_TIMEOUT,
                follow_redirects=False,
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            )
            _CLIENTS[(name, http2_only)] = client
        return client


def http_clients_close() -> None:
    """Close every pooled client (tests, and a worker that shuts down)."""
    with _LOCK:
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()


def not_configured(kind: str) -> SendResult:
    """The workspace has no settings for this provider: its trouble, not the device's."""
    return SendResult(ResultKind.RELAY_DOWN, None, f"no {kind} provider settings", "config")


def no_device() -> SendResult:
    return SendResult(
        ResultKind.PERMANENT, None, "not a push message (no device address)", "config"
    )


class PushRefused(Exception):
    """This message cannot go to this device as it is (a bad token, a private endpoint): permanent."""


class ProviderUnavailable(Exception):
    """The provider's side cannot be used now (credentials refused, its token service down)."""


@dataclass(frozen=True)
class HttpRequest:
    url: str
    headers: dict[str, str]
    content: bytes


class HttpPushTransport:
    """One HTTP request per message; subclasses build it (and may read the answer their own way)."""

    channel = "push"
    kind: ClassVar[str]
    http2_only: ClassVar[bool] = False
    needs_device: ClassVar[bool] = True
    credentials_status: ClassVar[tuple[int, ...]] = (401, 403)

    def __init__(self, config: ProviderConfig | None) -> None:
        self.config = config
        self._gone: list[GoneToken] = []

    def capabilities(self) -> Capabilities:
        return PUSH

    def build(self, config: ProviderConfig, message: Outgoing) -> HttpRequest:
        raise NotImplementedError

    def send(self, message: Outgoing) -> SendResult:
        if self.config is None:
            return not_configured(self.kind)
        if self.needs_device and message.device is None:
            return no_device()
        try:
            request = self.build(self.config, message)
        except PushRefused as exc:
            return SendResult(ResultKind.PERMANENT, None, str(exc), "build")
        except ProviderUnavailable as exc:
            return SendResult(ResultKind.RELAY_DOWN, None, str(exc), "auth")
        start = time.monotonic()
        try:
            response = http_client(self.kind, http2_only=self.http2_only).post(
                request.url, headers=request.headers, content=request.content
            )
        except httpx.HTTPError as exc:
            return transport_error(exc, duration_ms=_since(start))
        result = self.classify(message, response, _since(start))
        if result.kind == ResultKind.RECIPIENT_GONE and message.device is not None:
            self._gone.append(GoneToken(self.kind, message.device.token, result.response))
        return result

    def classify(self, message: Outgoing, response: httpx.Response, duration_ms: int) -> SendResult:
        return http_classify(
            response.status_code,
            response.text,
            retry_after=response.headers.get("retry-after"),
            now=timezone.now(),
            duration_ms=duration_ms,
            credentials_status=self.credentials_status,
        )

    def flush(self) -> None:
        """Devices found gone become invalid, in the engine's transaction that records the results."""
        if self._gone and self.config is not None:
            devices_invalidate(
                workspace_id=self.config.workspace_id, gone=self._gone, now=timezone.now()
            )
        self._gone = []

    def close(self) -> None:
        """Not flushed: the deliveries were not recorded either. The HTTP client stays pooled."""
        self._gone = []


def _since(start: float) -> int:
    return int((time.monotonic() - start) * 1000)
