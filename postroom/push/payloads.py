"""A rendered notification, its JSON for `Outgoing.data`, and each platform's size limits.

The engine carries a push as UTF-8 JSON in `Outgoing.data` (the same bytes
for every provider); each provider builds its own request from it. The limits
are the providers' own: APNs and FCM refuse a payload over 4 KB, a Web Push
record holds 4,096 bytes of which encryption takes 103.
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Notification:
    title: str
    body: str
    icon: str = ""
    image: str = ""
    click_url: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    ttl: int = 86400
    urgency: str = "normal"
    collapse_key: str = ""
    # The signed URL the device reports the notification shown to (tracking's
    # `/t/r/`); `click_url` is then the signed click redirect to the link.
    received: str = ""

    def encode(self) -> bytes:
        return json.dumps(asdict(self) | {"data": dict(self.data)}, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, raw: bytes) -> "Notification":
        values = json.loads(raw)
        return cls(**{k: values[k] for k in cls.__dataclass_fields__ if k in values})

    def display(self) -> dict[str, Any]:
        """What the device shows and gets on a click: the Web Push payload, the webhook's body."""
        shown = {"title": self.title, "body": self.body, "icon": self.icon, "image": self.image}
        tracked = {"received": self.received} if self.received else {}
        return (
            {k: v for k, v in shown.items() if v}
            | {
                "url": self.click_url,
                "data": dict(self.data),
            }
            | tracked
        )


@dataclass(frozen=True)
class PlatformLimit:
    label: str
    payload_bytes: int


# Payload sizes of the JSON each provider is sent (the device's part of it).
PLATFORM_LIMITS = {
    "webpush": PlatformLimit("Web Push", 3993),
    "fcm": PlatformLimit("FCM", 4000),
    "apns": PlatformLimit("APNs", 4096),
    "onesignal": PlatformLimit("OneSignal", 4000),
}


def platform_payload(kind: str, notification: Notification) -> dict[str, Any]:
    """The part of a provider's request that counts against its payload limit."""
    if kind == "apns":
        alert = {"title": notification.title, "body": notification.body}
        aps: dict[str, Any] = {"alert": alert, "mutable-content": 1}
        extra = {"url": notification.click_url} if notification.click_url else {}
        return {"aps": aps, **extra, **dict(notification.data)} | _tracked(notification)
    if kind == "fcm":
        return {
            "notification": {"title": notification.title, "body": notification.body},
            "data": fcm_data(notification),
        }
    return notification.display()


def fcm_data(notification: Notification) -> dict[str, str]:
    """FCM's data map holds strings only."""
    data = {
        k: v if isinstance(v, str) else json.dumps(v) for k, v in dict(notification.data).items()
    }
    return (
        data
        | ({"url": notification.click_url} if notification.click_url else {})
        | _tracked(notification)
    )


def _tracked(notification: Notification) -> dict[str, str]:
    """What the app's SDK reports the notification shown to (a data key the app reads)."""
    return {"received": notification.received} if notification.received else {}


def payload_size(kind: str, notification: Notification) -> int:
    return len(json.dumps(platform_payload(kind, notification), separators=(",", ":")).encode())


# The longest tracking token (`postroom.tracking.tokens`: two ids in base 36 and a MAC).
_TOKEN_LENGTH = 30


def as_tracked(notification: Notification) -> Notification:
    """The notification with tracking URLs as long as a send's can be (what a check must allow
    for): a receipt URL, and a click URL in place of a shorter link."""
    click = f"{settings.SITE_URL}/t/c/{'x' * _TOKEN_LENGTH}/"
    return replace(
        notification,
        received=f"{settings.SITE_URL}/t/r/{'x' * _TOKEN_LENGTH}/",
        click_url=max(notification.click_url, click, key=len) if notification.click_url else "",
    )


def limit_problems(notification: Notification) -> list[str]:
    """One message per platform whose limit the notification exceeds, tracking URLs included."""
    problems = []
    tracked = as_tracked(notification)
    for kind, limit in PLATFORM_LIMITS.items():
        size = payload_size(kind, tracked)
        if size > limit.payload_bytes:
            problems.append(
                _(
                    "The notification is %(size)s bytes for %(platform)s, which takes at most "
                    "%(limit)s: shorten the title, the body or the data."
                )
                % {"size": size, "platform": limit.label, "limit": limit.payload_bytes}
            )
    return problems


# Keys a provider keeps for itself in the data payload: FCM refuses them, APNs would lose its `aps`.
RESERVED_DATA_KEYS = frozenset({"aps", "from", "notification", "message_type", "url", "received"})
RESERVED_DATA_PREFIXES = ("google", "gcm")


def reserved_data_keys(data: Mapping[str, Any]) -> list[str]:
    return sorted(
        k for k in data if k in RESERVED_DATA_KEYS or k.lower().startswith(RESERVED_DATA_PREFIXES)
    )
