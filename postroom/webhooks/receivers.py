"""The other apps' news as webhook events, in the transaction that wrote it.

Each receiver asks first whether the workspace wants the event's type (one
cached read) and builds nothing when it does not.
"""

from typing import Any

from postroom.campaigns.models import Campaign
from postroom.campaigns.signals import CampaignStatusChanged
from postroom.delivery.models import BounceEvent
from postroom.delivery.signals import DeliveriesRecorded
from postroom.tracking.models import Link
from postroom.tracking.signals import RecordedEvent
from postroom.transactional.signals import TxStatus
from postroom.webhooks.events import (
    BOUNCE_TYPES,
    CAMPAIGN_TYPES,
    TRACKING_TYPES,
    OutgoingEvent,
    delivery_events,
    tracking_events,
)
from postroom.webhooks.models import EventType
from postroom.webhooks.selectors import types_wanted
from postroom.webhooks.services.emit import events_emit

_DELIVERY = frozenset({EventType.DELIVERED, EventType.DEFERRED})


def deliveries_recorded(sender: Any, record: DeliveriesRecorded, **kwargs: Any) -> None:
    if record.workspace_id is None or not record.transitions:
        return
    wanted = types_wanted(record.workspace_id) & _DELIVERY
    if not wanted:
        return
    events = delivery_events(
        record.transitions,
        campaign_id=record.campaign_id,
        run_id=record.run_id,
        relay=record.relay,
        at=record.at,
        wanted=wanted,
    )
    events_emit(workspace_id=record.workspace_id, events=events)


def bounce_recorded(sender: Any, event: BounceEvent, **kwargs: Any) -> None:
    kind = BOUNCE_TYPES.get(event.kind)
    if kind is None or kind not in types_wanted(event.workspace_id):
        return
    data: dict[str, Any] = {
        "email": event.email,
        "delivery_id": event.delivery_id,
        "kind": event.kind,  # hard, soft or complaint
        "status": event.status,
        "diagnostic": event.diagnostic,
        "source": event.source,
    }
    if event.delivery_id is not None:
        run = event.delivery.run if event.delivery else None
        data |= {"run_id": run.pk if run else None, "campaign_id": run.campaign_id if run else None}
    events_emit(
        workspace_id=event.workspace_id, events=[OutgoingEvent(kind, event.received_at, data)]
    )


def events_recorded(sender: Any, events: tuple[RecordedEvent, ...], **kwargs: Any) -> None:
    per_workspace: dict[int, list[RecordedEvent]] = {}
    for e in events:
        if e.kind in TRACKING_TYPES:
            per_workspace.setdefault(e.workspace_id, []).append(e)
    for workspace_id, recorded in per_workspace.items():
        wanted = types_wanted(workspace_id)
        if not wanted:
            continue
        link_ids = {e.link_id for e in recorded if e.link_id and e.kind == "click"}
        urls = (
            dict(Link.objects.filter(pk__in=link_ids).values_list("pk", "url"))
            if (link_ids and EventType.CLICKED in wanted)
            else {}
        )
        built = tracking_events(recorded, wanted=wanted, link_urls=urls)
        events_emit(workspace_id=workspace_id, events=built)


def tx_status_changed(sender: Any, status: TxStatus, **kwargs: Any) -> None:
    if EventType.TX_STATUS not in types_wanted(status.workspace_id):
        return
    data = {
        "message_id": status.message_id,
        "status": status.status,
        "to": status.to,
        "detail": status.detail,
    }
    events_emit(
        workspace_id=status.workspace_id,
        events=[OutgoingEvent(EventType.TX_STATUS, status.at, data)],
    )


def campaign_status_changed(sender: Any, change: CampaignStatusChanged, **kwargs: Any) -> None:
    kind = CAMPAIGN_TYPES.get(change.status)
    if kind is None:
        return
    workspace_id, name = change.workspace_id, change.name
    if workspace_id is None or name is None:
        found = Campaign.objects.filter(pk=change.campaign_id).values_list("workspace_id", "name")
        if not found:
            return
        workspace_id, name = found[0]
    if kind not in types_wanted(workspace_id):
        return
    data = {
        "campaign_id": change.campaign_id,
        "name": name,
        "status": change.status,
        "previous": change.previous,
        "action": change.action,
        "reason": change.reason,
    }
    events_emit(workspace_id=workspace_id, events=[OutgoingEvent(kind, change.at, data)])
