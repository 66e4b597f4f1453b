"""Events into messages: one bulk INSERT per batch of events, in the caller's transaction.

A workspace without endpoints costs one cache read; the send jobs start when
the caller's transaction commits (a rolled back write announces nothing).
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from postroom.webhooks.events import OutgoingEvent
from postroom.webhooks.models import MessageStatus, WebhookMessage
from postroom.webhooks.selectors import subscriptions


def events_emit(*, workspace_id: int, events: Sequence[OutgoingEvent]) -> int:
    """Owe each event to every active endpoint of the workspace subscribed to its type.

    Returns how many messages were written.
    """
    if not events:
        return 0
    endpoints = subscriptions(workspace_id)
    now = timezone.now()
    rows = [
        WebhookMessage(
            endpoint_id=endpoint_id,
            event_id=event.id,
            event_type=event.type,
            payload=event.payload(),
            status=MessageStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint_id, types in endpoints
        for event in events
        if event.type in types
    ]
    if not rows:
        return 0
    WebhookMessage.objects.bulk_create(rows, batch_size=500)
    endpoints_start({row.endpoint_id for row in rows})
    return len(rows)


def endpoints_start(endpoint_ids: set[int]) -> None:
    from postroom.webhooks.tasks import endpoint_send_job

    def start() -> None:
        for endpoint_id in sorted(endpoint_ids):
            endpoint_send_job(endpoint_id)

    transaction.on_commit(start)
