"""APNs over HTTP/2 with token-based auth: an ES256 JWT from the workspace's .p8 key.

Apple wants the provider token refreshed at most every 60 minutes and not
more often than every 20 (TooManyProviderTokenUpdates): one is kept per key
for 50 minutes.
"""

import hashlib
import json
import string
import threading
import time
from urllib.parse import quote

import jwt
from django.conf import settings

from postroom.delivery.transports.base import Outgoing, TransportContext, transport_register
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.payloads import Notification, platform_payload
from postroom.push.providers.base import (
    HttpPushTransport,
    HttpRequest,
    ProviderConfig,
    ProviderUnavailable,
    PushRefused,
    provider_config,
)

TOKEN_SECONDS = 50 * 60
_TOKENS: dict[tuple[int, str, str, str], tuple[str, float]] = {}
_LOCK = threading.Lock()
_HEX = frozenset(string.hexdigits)


def apns_provider_token(config: ProviderConfig) -> str:
    """The ES256 provider token for the workspace's key, made again after 50 minutes."""
    digest = hashlib.sha256(config.secret.encode()).hexdigest()
    key = (config.workspace_id, config.apns_key_id, config.apns_team_id, digest)
    now = time.time()
    with _LOCK:
        cached = _TOKENS.get(key)
        if cached is not None and now - cached[1] < TOKEN_SECONDS:
            return cached[0]
        try:
            token = jwt.encode(
                {"iss": config.apns_team_id, "iat": int(now)},
                config.secret,
                algorithm="ES256",
                headers={"kid": config.apns_key_id},
            )
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise ProviderUnavailable(f"the APNs key is not usable: {exc}") from exc
        _TOKENS[key] = (token, now)
        return token


class ApnsTransport(HttpPushTransport):
    kind = "apns"
    http2_only = True

    def build(self, config: ProviderConfig, message: Outgoing) -> HttpRequest:
        assert message.device is not None
        token = message.device.token
        if not token or not set(token) <= _HEX:
            raise PushRefused("BadDeviceToken: an APNs token is hexadecimal")
        if not (config.apns_key_id and config.apns_team_id and config.apns_bundle_id):
            raise ProviderUnavailable("the APNs key id, team id and bundle id are required")
        notification = Notification.decode(message.data)
        base = settings.PUSH_APNS_SANDBOX_URL if config.apns_sandbox else settings.PUSH_APNS_URL
        headers = {
            "authorization": f"bearer {apns_provider_token(config)}",
            "apns-topic": config.apns_bundle_id,
            "apns-push-type": "alert",
            "apns-expiration": str(int(time.time()) + notification.ttl),
            "apns-priority": "10" if notification.urgency in ("high", "normal") else "5",
        }
        if notification.collapse_key:
            headers["apns-collapse-id"] = notification.collapse_key[:64]
        body = json.dumps(platform_payload("apns", notification), separators=(",", ":")).encode()
        return HttpRequest(f"{base}/3/device/{quote(token)}", headers, body)


def apns_transport_open(relay: RelayConfig, context: TransportContext) -> ApnsTransport:
    return ApnsTransport(provider_config(context.workspace_id, "apns"))


transport_register("apns", apns_transport_open)
