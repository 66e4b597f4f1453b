"""The webhook channel: one signed JSON POST per recipient, so any SMS or chat gateway can be plugged in.

Signed as Standard Webhooks sign (webhook-id, webhook-timestamp,
webhook-signature: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` with
the secret after its `whsec_` prefix), so the receiver can check it with any
of that spec's libraries.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time

from postroom.delivery.transports.base import Outgoing, TransportContext, transport_register
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.endpoints import url_refused
from postroom.push.payloads import Notification
from postroom.push.providers.base import (
    HttpPushTransport,
    HttpRequest,
    ProviderConfig,
    ProviderUnavailable,
    provider_config,
)

SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)


def webhook_secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def webhook_sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class WebhookTransport(HttpPushTransport):
    kind = "webhook"
    needs_device = False  # the recipient may be a phone number or a chat id: the gateway knows
    credentials_status = (401, 403)

    def build(self, config: ProviderConfig, message: Outgoing) -> HttpRequest:
        refused = url_refused(config.webhook_url)
        if refused:
            raise ProviderUnavailable(f"webhook URL refused: {refused}")
        message_id = (
            f"msg_{message.delivery_id}" if message.delivery_id else f"msg_{secrets.token_hex(8)}"
        )
        device = message.device
        body = json.dumps(
            {
                "id": message_id,
                "recipient": message.recipient,
                "device": None
                if device is None
                else {"token": device.token, "app_id": device.app_id},
                "notification": Notification.decode(message.data).display(),
            },
            separators=(",", ":"),
        ).encode()
        timestamp = int(time.time())
        try:
            signature = webhook_sign(config.secret, message_id, timestamp, body)
        except (ValueError, TypeError) as exc:
            raise ProviderUnavailable("the signing secret is not usable") from exc
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        return HttpRequest(config.webhook_url, headers, body)


def webhook_transport_open(relay: RelayConfig, context: TransportContext) -> WebhookTransport:
    return WebhookTransport(provider_config(context.workspace_id, "webhook"))


transport_register("push-webhook", webhook_transport_open)
