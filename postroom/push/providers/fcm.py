"""FCM HTTP v1: one request per message on pooled HTTP/2, with the service account's OAuth2 token.

The token comes from google-auth's service-account flow (a JWT assertion
signed with the account's key, exchanged at PUSH_FCM_TOKEN_URL, never the
`token_uri` the uploaded JSON names) and is kept until it expires.
"""

import hashlib
import json
import threading

import google.auth.exceptions
import google.auth.transport.requests
from django.conf import settings
from google.oauth2 import service_account

from postroom.delivery.transports.base import Outgoing, TransportContext, transport_register
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.payloads import Notification, fcm_data
from postroom.push.providers.base import (
    HttpPushTransport,
    HttpRequest,
    ProviderConfig,
    ProviderUnavailable,
    PushRefused,
    provider_config,
)

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_CREDENTIALS: dict[str, service_account.Credentials] = {}
_LOCK = threading.Lock()


def fcm_access_token(config: ProviderConfig) -> str:
    """A valid OAuth2 access token for the workspace's service account (cached until it expires)."""
    key = hashlib.sha256(f"{config.workspace_id}:{config.secret}".encode()).hexdigest()
    with _LOCK:
        credentials = _CREDENTIALS.get(key)
        if credentials is None:
            try:
                info = json.loads(config.secret) | {"token_uri": settings.PUSH_FCM_TOKEN_URL}
                credentials = service_account.Credentials.from_service_account_info(
                    info, scopes=[SCOPE]
                )
            except (ValueError, TypeError, KeyError) as exc:
                raise ProviderUnavailable(f"the service account JSON is not usable: {exc}") from exc
            _CREDENTIALS[key] = credentials
        if not credentials.valid:
            try:
                credentials.refresh(google.auth.transport.requests.Request())
            except google.auth.exceptions.GoogleAuthError as exc:
                raise ProviderUnavailable(f"OAuth token refused: {exc}"[:500]) from exc
        return str(credentials.token)


def fcm_message(token: str, notification: Notification) -> dict[str, object]:
    android: dict[str, object] = {
        "ttl": f"{notification.ttl}s",
        "priority": "HIGH" if notification.urgency == "high" else "NORMAL",
    }
    if notification.collapse_key:
        android["collapse_key"] = notification.collapse_key
    shown = {"title": notification.title, "body": notification.body}
    if notification.image:
        shown["image"] = notification.image
    return {
        "token": token,
        "notification": shown,
        "data": fcm_data(notification),
        "android": android,
    }


class FcmTransport(HttpPushTransport):
    kind = "fcm"
    http2_only = True

    def build(self, config: ProviderConfig, message: Outgoing) -> HttpRequest:
        assert message.device is not None
        if not config.fcm_project_id:
            raise ProviderUnavailable("no FCM project id")
        if not message.device.token:
            raise PushRefused("no FCM token")
        notification = Notification.decode(message.data)
        body = {"message": fcm_message(message.device.token, notification)}
        url = f"{settings.PUSH_FCM_URL}/v1/projects/{config.fcm_project_id}/messages:send"
        headers = {
            "Authorization": f"Bearer {fcm_access_token(config)}",
            "Content-Type": "application/json; charset=utf-8",
        }
        return HttpRequest(url, headers, json.dumps(body, separators=(",", ":")).encode())


def fcm_transport_open(relay: RelayConfig, context: TransportContext) -> FcmTransport:
    return FcmTransport(provider_config(context.workspace_id, "fcm"))


transport_register("fcm", fcm_transport_open)
