"""Web Push (RFC 8030): the payload encrypted for the subscription (RFC 8291, aes128gcm), VAPID (RFC 8292).

pywebpush encrypts (through http-ece) and py-vapid signs; the request goes
out on the pooled client. The workspace's VAPID key pair is generated when
its Web Push settings are created (`postroom.push.services.providers`).
"""

import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from py_vapid import Vapid02
from pywebpush import WebPusher

from postroom.delivery.transports.base import Outgoing, TransportContext, transport_register
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.endpoints import url_refused
from postroom.push.payloads import Notification
from postroom.push.providers.base import (
    HttpPushTransport,
    HttpRequest,
    ProviderConfig,
    ProviderUnavailable,
    PushRefused,
    provider_config,
)

VAPID_HOURS = 12  # a JWT's lifetime; push services refuse more than 24 hours
_TOPIC_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def vapid_subject(config: ProviderConfig) -> str:
    return (
        config.vapid_subject
        or f"mailto:{settings.DEFAULT_FROM_EMAIL.rpartition('<')[2].rstrip('>')}"
    )


class WebPushTransport(HttpPushTransport):
    kind = "webpush"
    # 401: our VAPID JWT refused (every device would be); 403: this subscription belongs to another key.
    credentials_status = (401,)

    def __init__(self, config: ProviderConfig | None) -> None:
        super().__init__(config)
        self._vapid: Vapid02 | None = None
        if config is not None and config.secret:
            try:
                self._vapid = Vapid02.from_raw(config.secret.encode())
            except Exception:  # a stored key that does not parse: "no key", below
                self._vapid = None
        self._refused: dict[str, str] = {}
        self._signed: dict[str, tuple[dict[str, str], int]] = {}  # origin -> (header, exp)

    def _authorization(self, config: ProviderConfig, origin: str) -> dict[str, str]:
        """The VAPID header for a push service, signed again when less than an hour is left."""
        assert self._vapid is not None
        now = int(time.time())
        cached = self._signed.get(origin)
        if cached is None or cached[1] - now < 3600:
            exp = now + VAPID_HOURS * 3600
            claims = {"aud": origin, "exp": exp, "sub": vapid_subject(config)}
            cached = (self._vapid.sign(claims), exp)
            self._signed[origin] = cached
        return cached[0]

    def build(self, config: ProviderConfig, message: Outgoing) -> HttpRequest:
        device = message.device
        assert device is not None
        if self._vapid is None:
            # None stored, or FIELD_ENCRYPTION_KEY changed since: every device would fail.
            raise ProviderUnavailable("no usable VAPID private key")
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(device.token))
        if origin not in self._refused:
            self._refused[origin] = url_refused(device.token)
        if self._refused[origin]:
            raise PushRefused(f"endpoint refused: {self._refused[origin]}")
        if not device.p256dh or not device.auth:
            raise PushRefused("the subscription has no keys")
        notification = Notification.decode(message.data)
        payload = json.dumps(notification.display(), separators=(",", ":")).encode()
        subscription = {
            "endpoint": device.token,
            "keys": {"p256dh": device.p256dh, "auth": device.auth},
        }
        try:
            body = WebPusher(subscription).encode(payload, "aes128gcm")["body"]
        except Exception as exc:  # a malformed key: pywebpush and cryptography raise many kinds
            raise PushRefused(f"the subscription's keys are not usable: {exc}") from exc
        headers = {
            **self._authorization(config, origin),
            "TTL": str(notification.ttl),
            "Urgency": notification.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }
        topic = "".join(c for c in notification.collapse_key if c in _TOPIC_CHARS)[:32]
        if topic:
            headers["Topic"] = topic
        return HttpRequest(device.token, headers, body)


def webpush_transport_open(relay: RelayConfig, context: TransportContext) -> WebPushTransport:
    return WebPushTransport(provider_config(context.workspace_id, "webpush"))


transport_register("webpush", webpush_transport_open)
