"""Events into messages: one bulk INSERT per batch of events, in the caller's transaction.

A workspace without endpoints costs one cache read; the send jobs start when
the caller's transaction commits (a rolled back write announces nothing).
"""

import json
from collections.abc import Sequence
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from postroom.core.bulk import rows_insert
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
        SimpleNamespace(
            endpoint_id=endpoint_id,
            event_id=event.id,
            event_type=event.type,
            payload=event.payload(),
            status=MessageStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            sent_at=None,
        )
        for endpoint_id, types in endpoints
        for event in events
        if event.type in types
    ]
    if not rows:
        return 0
    _insert(rows)
    endpoints_start({row.endpoint_id for row in rows})
    return len(rows)


_COLUMNS = [f for f in WebhookMessage._meta.concrete_fields if f.name != "id"]


def _insert(rows: list[SimpleNamespace]) -> None:
    """COPY on PostgreSQL (payloads as JSON text); elsewhere one executemany of plain values.

    A model instance per row would cost more than the rest of the write.
    """
    if connection.vendor == "postgresql":
        for row in rows:
            row.payload = json.dumps(row.payload, separators=(",", ":"))
        rows_insert(WebhookMessage, rows, [f.name for f in _COLUMNS])
        return
    table = connection.ops.quote_name(WebhookMessage._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in _COLUMNS)
    marks = ", ".join(["%s"] * len(_COLUMNS))
    values = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in _COLUMNS] for row in rows
    ]
    with connection.cursor() as cursor:
        # Names from the model, quoted; values as parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, values)


def endpoints_start(endpoint_ids: set[int]) -> None:
    from postroom.webhooks.tasks import endpoint_send_job

    def start() -> None:
        for endpoint_id in sorted(endpoint_ids):
            endpoint_send_job(endpoint_id)

    transaction.on_commit(start)
