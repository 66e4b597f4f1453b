"""Reads of the push app: devices filtered for lists, a creative's preview."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from jinja2 import TemplateError

from postroom.content.rendering import sample_context
from postroom.push.models import Creative, Device
from postroom.push.payloads import PLATFORM_LIMITS, Notification, as_tracked, payload_size
from postroom.push.services.creatives import creative_notification


def device_list(*, params: Mapping[str, str]) -> QuerySet[Device]:
    """Devices newest first, by `kind`, `valid` (true/false) and `subscriber` when given (unscoped: callers scope)."""
    devices = Device.objects.order_by("-pk")
    if params.get("kind"):
        devices = devices.filter(kind=params["kind"])
    if params.get("valid") in ("true", "false"):
        devices = devices.filter(is_valid=params["valid"] == "true")
    subscriber = str(params.get("subscriber", ""))
    if subscriber.isdigit() and len(subscriber) <= 18:  # a bigint; longer is nobody
        devices = devices.filter(subscriber_id=int(params["subscriber"]))
    return devices


def creative_preview(creative: Creative) -> dict[str, Any]:
    """The creative for the sample recipient, and its payload size against each platform's limit."""
    try:
        note = creative_notification(creative, sample_context())
    except TemplateError as exc:
        note = Notification(title=creative.title, body=str(exc))
    return {
        "title": note.title,
        "body": note.body,
        "click_url": note.click_url,
        "icon": note.icon,
        "image": note.image,
        "platforms": [
            {
                "kind": kind,
                "label": limit.label,
                "size": payload_size(kind, as_tracked(note)),
                "limit": limit.payload_bytes,
            }
            for kind, limit in PLATFORM_LIMITS.items()
        ],
    }
