"""Claiming deliveries with a lease: SKIP LOCKED on PostgreSQL, one atomic UPDATE on SQLite."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.waves import ReleasedDraw, released_draw

_TABLE = Delivery._meta.db_table


@dataclass
class Claimed:
    id: int
    subscriber_id: int | None
    email: str
    attempts: int
    first_attempt_at: dt.datetime | None
    reclaimed: int = 0
    variant: int | None = None  # the experiment's variant this recipient gets
    device_id: int | None = None  # push: the device this delivery goes to


def _param(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def deliveries_claim(
    *, run_id: int, owner: str, size: int, lease_seconds: int, now: dt.datetime | None = None
) -> list[Claimed]:
    """Take up to `size` due deliveries of a run for `owner`; nobody else gets them until the lease ends.

    Queued and deferred rows first; then, for an experiment, waiting rows its
    waves have released, each given its variant by this claim (`waves.released_draw`).
    """
    claimed = _claim("run_id = %s", run_id, owner=owner, size=size, lease=lease_seconds, now=now)
    if len(claimed) < size:
        draw = released_draw(run_id)
        if draw is not None:
            claimed += _claim_released(
                run_id, draw, owner=owner, size=size - len(claimed), lease=lease_seconds, now=now
            )
    return sorted(claimed, key=lambda c: c.id)


def lane_claim(
    *, workspace_id: int, owner: str, size: int, lease_seconds: int, now: dt.datetime | None = None
) -> list[Claimed]:
    """`deliveries_claim` for the workspace's priority lane (deliveries without a run)."""
    where = "run_id IS NULL AND workspace_id = %s"
    return _claim(where, workspace_id, owner=owner, size=size, lease=lease_seconds, now=now)


def _claim(
    where: str, key: int, *, owner: str, size: int, lease: int, now: dt.datetime | None
) -> list[Claimed]:
    """Due queued and deferred rows (the claim index, or the lane's)."""
    return _lease(
        f"{where} AND status IN (%s, %s)",
        [key, DeliveryStatus.QUEUED, DeliveryStatus.DEFERRED],
        owner=owner,
        size=size,
        lease=lease,
        now=now,
    )


def _claim_released(
    run_id: int, draw: ReleasedDraw, *, owner: str, size: int, lease: int, now: dt.datetime | None
) -> list[Claimed]:
    """Released waiting rows, by their draw (the partial index `delivery_waiting`), each given its variant."""
    return _lease(
        "run_id = %s AND status = %s AND bucket < %s",
        [run_id, DeliveryStatus.WAITING, draw.released_to],
        variant_sql=draw.variant_sql,
        owner=owner,
        size=size,
        lease=lease,
        now=now,
    )


def _lease(
    where: str,
    where_params: list[Any],
    *,
    owner: str,
    size: int,
    lease: int,
    now: dt.datetime | None,
    variant_sql: str = "",
) -> list[Claimed]:
    """Up to `size` rows matching `where` (trusted SQL) and due by now, leased to `owner`.

    `variant_sql`, when given, sets each row's variant in the same UPDATE.
    """
    now = now or timezone.now()
    variant = f", variant = {variant_sql}" if variant_sql else ""
    sql = (
        f"UPDATE {_TABLE} SET status = %s, lease_owner = %s, lease_until = %s{variant} "  # noqa: S608
        f"WHERE id IN (SELECT id FROM {_TABLE} WHERE {where} "
        f"AND next_attempt_at <= %s LIMIT %s{_lock()}) {_RETURNING}"
    )
    params: list[Any] = [
        DeliveryStatus.SENDING,
        owner,
        _param(now + dt.timedelta(seconds=lease)),
        *where_params,
        _param(now),
        size,
    ]
    return _claimed(sql, params)


_RETURNING = (
    "RETURNING id, subscriber_id, email, attempts, first_attempt_at, reclaimed, variant, device_id"
)


def _lock() -> str:
    return " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""


def _claimed(sql: str, params: list[Any]) -> list[Claimed]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    claimed = [Claimed(*row) for row in rows]
    for item in claimed:  # raw rows: SQLite hands back text or naive UTC datetimes
        first = item.first_attempt_at
        if isinstance(first, str):
            first = dt.datetime.fromisoformat(first)
        if first is not None and first.tzinfo is None:
            first = first.replace(tzinfo=dt.UTC)
        item.first_attempt_at = first
    return sorted(claimed, key=lambda c: c.id)


def deliveries_release(*, owner: str, ids: list[int], not_before: dt.datetime | None = None) -> int:
    """Hand claimed, unattempted deliveries back (no attempt is counted)."""
    if not ids:
        return 0
    when = not_before or timezone.now()
    queued = Delivery.objects.filter(lease_owner=owner, pk__any=ids, status=DeliveryStatus.SENDING)
    done = queued.filter(attempts=0).update(
        status=DeliveryStatus.QUEUED, lease_owner="", lease_until=None, next_attempt_at=when
    )
    return done + queued.update(
        status=DeliveryStatus.DEFERRED, lease_owner="", lease_until=None, next_attempt_at=when
    )


def leases_renew(*, run_id: int, owner: str, lease_seconds: int) -> int:
    """Extend the owner's leases; the number of deliveries it still holds.

    Filtered by run and status first, which the claim index serves: never a
    scan of the whole outbox.
    """
    held = Delivery.objects.filter(run_id=run_id, status=DeliveryStatus.SENDING, lease_owner=owner)
    return held.update(lease_until=timezone.now() + dt.timedelta(seconds=lease_seconds))


def leases_reclaim(*, now: dt.datetime | None = None) -> dict[int | None, set[str]]:
    """Deliveries whose worker vanished go back to the queue, marked as possibly sent once.

    Returns the dead workers' lease owners per run (their relay slots are freed too).
    """
    expired = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, lease_until__lt=now or timezone.now()
    )
    owners: dict[int | None, set[str]] = {}
    for run_id, owner in expired.values_list("run_id", "lease_owner").distinct():
        owners.setdefault(run_id, set()).add(owner)
    if owners:
        expired.update(
            status=DeliveryStatus.DEFERRED,
            lease_owner="",
            lease_until=None,
            next_attempt_at=timezone.now(),
            reclaimed=F("reclaimed") + 1,
        )
    return owners
