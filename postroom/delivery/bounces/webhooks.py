"""Provider webhooks: django-anymail checks each ESP's signature and normalizes its events;
bounces, complaints, unsubscribes and deferrals among them go through the same intake as mail.

Anymail's views live at /webhooks/anymail/<esp>/tracking/ and send its
`tracking` signal, which `tracking_received` (connected in apps.py) handles.
"""

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.conf import settings
from django.utils import timezone

from postroom.audience.models import Subscriber
from postroom.delivery.bounces.dsn import BounceReport, delivery_id_find, status_find, status_kind
from postroom.delivery.bounces.intake import bounce_intake
from postroom.delivery.models import BounceKind, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

_REJECTED = {
    RejectReason.SPAM: BounceKind.COMPLAINT,
    RejectReason.UNSUBSCRIBED: BounceKind.UNSUBSCRIBE,
    RejectReason.BOUNCED: BounceKind.HARD,
    RejectReason.INVALID: BounceKind.HARD,
}
# The most recent delivery to an address stands in when an event names none of ours.
_FALLBACK_DAYS = 30


def tracking_received(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    if not _authenticated(esp_name):
        logger.warning(
            "%s webhook event ignored: set ANYMAIL_WEBHOOK_SECRET or the provider's signing key",
            esp_name,
        )
        return
    report = webhook_report(event, esp_name)
    if report is not None:
        bounce_intake(report)


def webhook_report(event: AnymailTrackingEvent, esp_name: str) -> BounceReport | None:
    """The bounce report an ESP event amounts to; None for opens, deliveries and the like."""
    kind = _kind(event)
    if kind is None or not event.recipient:
        return None
    esp = esp_name.lower().replace(" ", "_")
    answer = " ".join(filter(None, (event.mta_response, event.description)))
    status = status_find(event.mta_response or "") or status_find(answer)
    if kind == BounceKind.HARD:
        kind = status_kind(status, default=kind)
    raw = _raw(event.esp_event)
    event_id = event.event_id or "sha256:" + hashlib.sha256(raw.encode()).hexdigest()
    return BounceReport(
        kind=kind,
        email=event.recipient.lower(),
        event_id=f"webhook:{esp}:{event_id}",
        status=status,
        diagnostic=" ".join(answer.split())[:500],
        delivery_id=delivery_id_find(event.message_id or "", raw)
        or _recent_delivery(event.recipient),
        source=f"webhook:{esp}",
    )


def _kind(event: AnymailTrackingEvent) -> str | None:
    if event.event_type == EventType.BOUNCED:
        esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
        # Postmark reports temporary failures as bounces of type SoftBounce.
        soft = str(esp_event.get("Type", "")).lower() == "softbounce"
        return BounceKind.SOFT if soft else BounceKind.HARD
    if event.event_type == EventType.REJECTED:
        # Refused by the ESP for its own reasons (policy, a block): counted like a soft bounce.
        return _REJECTED.get(event.reject_reason or "", BounceKind.SOFT)
    return {
        EventType.DEFERRED: BounceKind.SOFT,
        EventType.COMPLAINED: BounceKind.COMPLAINT,
        EventType.UNSUBSCRIBED: BounceKind.UNSUBSCRIBE,
    }.get(event.event_type)


def _raw(esp_event: Any) -> str:
    """The ESP's own event as text, where our Return-Path or Message-ID may be found."""
    if hasattr(esp_event, "lists"):  # a QueryDict (form-encoded webhooks)
        esp_event = dict(esp_event.lists())
    return json.dumps(esp_event, sort_keys=True, default=str)


def _recent_delivery(email: str) -> int | None:
    subscribers = Subscriber.objects.filter(email=email.lower()).values("pk")
    return (
        Delivery.objects.filter(
            subscriber_id__in=subscribers,
            status=DeliveryStatus.SENT,
            sent_at__gte=timezone.now() - timedelta(days=_FALLBACK_DAYS),
        )
        .order_by("-sent_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def _authenticated(esp_name: str) -> bool:
    """A shared secret or the provider's own signing key is configured for webhooks."""
    configured = getattr(settings, "ANYMAIL", {})
    prefix = esp_name.upper().replace(" ", "_") + "_"
    return bool(configured.get("WEBHOOK_SECRET")) or any(
        value and name.startswith(prefix) for name, value in configured.items()
    )
