"""Events as they are sent: an id, a type, a time and the data, built from the other apps' news.

Every payload is {"type": ..., "timestamp": ISO 8601, "data": {...}}; the
message id travels in the `webhook-id` header (Standard Webhooks). Builders
here are pure: they take what the signals carry and return events.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from postroom.webhooks.models import EventType

# Tracking's event kinds that become webhook events (bounces come from delivery's intake).
TRACKING_TYPES: Mapping[str, str] = {
    "open": EventType.OPENED,
    "click": EventType.CLICKED,
    "unsubscribe": EventType.UNSUBSCRIBED,
    "conversion": EventType.CONVERTED,
}
BOUNCE_TYPES: Mapping[str, str] = {
    "hard": EventType.BOUNCED,
    "soft": EventType.BOUNCED,
    "complaint": EventType.COMPLAINED,
    # A mailto unsubscribe reaches tracking as an "unsubscribe" event: sent from there, once.
}
CAMPAIGN_TYPES: Mapping[str, str] = {
    "running": EventType.CAMPAIGN_STARTED,
    "finished": EventType.CAMPAIGN_FINISHED,
    "paused": EventType.CAMPAIGN_PAUSED,
}


def event_id_make() -> str:
    return "msg_" + uuid.uuid4().hex


@dataclass(frozen=True)
class OutgoingEvent:
    type: str
    at: dt.datetime
    data: Mapping[str, Any]
    id: str = field(default_factory=event_id_make)

    def payload(self) -> dict[str, Any]:
        return {"type": self.type, "timestamp": self.at.isoformat(), "data": _plain(self.data)}


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready: times as ISO 8601, amounts as strings (never a float)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def event_test_make(*, endpoint_id: int, at: dt.datetime) -> OutgoingEvent:
    return OutgoingEvent(EventType.TEST, at, {"endpoint_id": endpoint_id, "test": True})


def delivery_events(
    transitions: Iterable[Any],
    *,
    campaign_id: int,
    run_id: int,
    relay: str,
    at: dt.datetime,
    wanted: frozenset[str],
) -> list[OutgoingEvent]:
    """delivered / deferred per recipient of one write of the engine (transitions: policy's)."""
    events = []
    for change in transitions:
        kind = {"sent": EventType.DELIVERED, "deferred": EventType.DEFERRED}.get(change.status)
        if kind is None or kind not in wanted:
            continue
        data: dict[str, Any] = {
            "delivery_id": change.delivery_id,
            "email": change.email,
            "campaign_id": campaign_id,
            "run_id": run_id,
            "relay": relay,
            "attempts": change.attempts,
            "code": change.last_code,
        }
        if kind == EventType.DEFERRED:
            data |= {"response": change.last_response, "next_attempt_at": change.next_attempt_at}
        events.append(OutgoingEvent(kind, at, data))
    return events


def tracking_events(
    recorded: Iterable[Any], *, wanted: frozenset[str], link_urls: Mapping[int, str]
) -> list[OutgoingEvent]:
    """opened / clicked / unsubscribed / converted, one per stored tracking event."""
    events = []
    for e in recorded:
        kind = TRACKING_TYPES.get(e.kind)
        if kind is None or kind not in wanted:
            continue
        data: dict[str, Any] = {
            "delivery_id": e.delivery_id,
            "email": e.email,
            "subscriber_id": e.subscriber_id,
            "campaign_id": e.campaign_id,
            "run_id": e.run_id,
            "machine": e.machine,  # a privacy proxy or link scanner, not a person
        }
        if kind == EventType.CLICKED:
            data["url"] = link_urls.get(e.link_id or 0, "")
        if kind == EventType.CONVERTED:
            data |= {"goal": e.goal, "revenue": e.revenue, "url": e.url}
        events.append(OutgoingEvent(kind, e.at, data))
    return events
