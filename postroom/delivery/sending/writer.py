"""Applying a batch of decided transitions: attempt rows, delivery states, counts, in one transaction."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from postroom.core.bulk import rows_insert
from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.outcomes import suppress_hard_bounces
from postroom.delivery.sending.policy import Attempted, Transition
from postroom.delivery.signals import DeliveriesRecorded, deliveries_recorded

_ATTEMPT_FIELDS = [f.name for f in DeliveryAttempt._meta.concrete_fields if f.name != "id"]
_STATE_FIELDS = [
    "status",
    "lease_owner",
    "lease_until",
    "attempts",
    "first_attempt_at",
    "sent_at",
    "next_attempt_at",
    "last_code",
    "last_response",
    "reclaimed",
]


def attempts_write(items: Sequence[Attempted], *, relay: str) -> None:
    """One DeliveryAttempt row per attempt, with the server's answer; skips have none."""
    rows = [
        DeliveryAttempt(
            delivery_id=item.claimed.id,
            at=item.at,
            duration_ms=item.result.duration_ms,
            outcome=item.result.outcome,
            smtp_code=item.result.code,
            enhanced_code=item.result.enhanced,
            response=item.result.response,
            phase=item.result.phase,
            relay=relay[:120],
        )
        for item in items
        if item.result is not None
    ]
    rows_insert(DeliveryAttempt, rows, _ATTEMPT_FIELDS)


def transitions_write(transitions: Sequence[Transition], *, owner: str, now: dt.datetime) -> int:
    """Write the new states of deliveries `owner` holds; returns how many were marked sent.

    Sent deliveries, the common case, take one UPDATE per reply code; the
    others one bulk update. A delivery whose lease was taken back is not
    `owner`'s any more and is left alone.
    """
    mine = Delivery.objects.filter(lease_owner=owner)
    sent: dict[int | None, list[int]] = {}
    others = []
    for change in transitions:
        if change.status == DeliveryStatus.SENT:
            sent.setdefault(change.last_code, []).append(change.delivery_id)
            continue
        others.append(
            Delivery(
                pk=change.delivery_id,
                status=change.status,
                lease_owner="",
                lease_until=None,
                attempts=change.attempts,
                first_attempt_at=change.first_attempt_at,
                sent_at=None,
                next_attempt_at=change.next_attempt_at,
                last_code=change.last_code,
                last_response=change.last_response,
                reclaimed=change.reclaimed,
            )
        )
    sent_count = 0
    for code, ids in sent.items():
        sent_count += mine.filter(pk__any=ids).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            lease_owner="",
            lease_until=None,
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce("first_attempt_at", Value(now)),
            last_code=code,
            last_response="",
        )
    mine.bulk_update(others, _STATE_FIELDS)
    return sent_count


def outcomes_record(
    transitions: Sequence[Transition],
    *,
    workspace_id: int,
    record: DeliveriesRecorded,
) -> None:
    """What follows in the same transaction: gone addresses suppressed, the counts announced."""
    gone = [change.email for change in transitions if change.suppress and change.email]
    if gone:
        suppress_hard_bounces(workspace_id=workspace_id, emails=gone)
    deliveries_recorded.send(sender=Delivery, record=record)
