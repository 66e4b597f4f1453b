"""OneSignal REST: one notification per device subscription id; its id is kept for the outcome intake."""

import json

import httpx
from django.conf import settings

from postroom.delivery.transports.base import (
    Outgoing,
    ResultKind,
    SendResult,
    TransportContext,
    transport_register,
)
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.models import ProviderMessage
from postroom.push.payloads import Notification
from postroom.push.providers.base import (
    HttpPushTransport,
    HttpRequest,
    ProviderConfig,
    ProviderUnavailable,
    provider_config,
)

# What OneSignal answers, with a 200, when the subscription is no longer there.
_GONE_KEYS = ("invalid_player_ids", "invalid_subscription_ids", "invalid_aliases")
_NOT_SUBSCRIBED = "All included players are not subscribed"


def onesignal_headers(config: ProviderConfig) -> dict[str, str]:
    return {"Authorization": f"Key {config.secret}", "Content-Type": "application/json"}


def onesignal_body(
    app_id: str, subscription_id: str, notification: Notification
) -> dict[str, object]:
    body: dict[str, object] = {
        "app_id": app_id,
        "include_subscription_ids": [subscription_id],
        "target_channel": "push",
        "headings": {"en": notification.title},
        "contents": {"en": notification.body},
        "data": dict(notification.data),
        "ttl": notification.ttl,
        "priority": 10 if notification.urgency == "high" else 5,
    }
    optional = {
        "url": notification.click_url,
        "chrome_web_icon": notification.icon,
        "big_picture": notification.image,
        "chrome_web_image": notification.image,
        "collapse_id": notification.collapse_key,
    }
    return body | {k: v for k, v in optional.items() if v}


class OneSignalTransport(HttpPushTransport):
    kind = "onesignal"

    def __init__(self, config: ProviderConfig | None) -> None:
        super().__init__(config)
        self._taken: list[ProviderMessage] = []

    def build(self, config: ProviderConfig, message: Outgoing) -> HttpRequest:
        assert message.device is not None
        if not config.onesignal_app_id:
            raise ProviderUnavailable("no OneSignal app id")
        # The device's own app id names the customer's app, not the OneSignal app.
        body = onesignal_body(
            config.onesignal_app_id, message.device.token, Notification.decode(message.data)
        )
        url = f"{settings.PUSH_ONESIGNAL_URL}/notifications?c=push"
        return HttpRequest(url, onesignal_headers(config), json.dumps(body).encode())

    def classify(self, message: Outgoing, response: httpx.Response, duration_ms: int) -> SendResult:
        result = super().classify(message, response, duration_ms)
        if result.kind != ResultKind.DELIVERED:
            return result
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        answer = answer if isinstance(answer, dict) else {}
        errors = answer.get("errors")
        gone = isinstance(errors, dict) and any(errors.get(k) for k in _GONE_KEYS)
        if gone or (isinstance(errors, list) and _NOT_SUBSCRIBED in errors):
            result.kind = ResultKind.RECIPIENT_GONE
            return result
        if not answer.get("id"):
            result.kind = ResultKind.PERMANENT
            return result
        assert self.config is not None
        self._taken.append(
            ProviderMessage(
                workspace_id=self.config.workspace_id,
                kind=self.kind,
                delivery_id=message.delivery_id,
                recipient=message.recipient,
                message_id=str(answer["id"])[:100],
            )
        )
        return result

    def flush(self) -> None:
        super().flush()
        ProviderMessage.objects.bulk_create(self._taken)
        self._taken = []

    def close(self) -> None:
        super().close()
        self._taken = []


def onesignal_transport_open(relay: RelayConfig, context: TransportContext) -> OneSignalTransport:
    return OneSignalTransport(provider_config(context.workspace_id, "onesignal"))


transport_register("onesignal", onesignal_transport_open)
