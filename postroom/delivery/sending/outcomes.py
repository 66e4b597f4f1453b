"""What follows from results in the outbox: runs with nothing open are closed, gone addresses suppressed."""

from collections.abc import Iterable
from typing import Any

from postroom.audience.models import Suppression, SuppressionReason
from postroom.delivery.models import CANCELLABLE, OPEN, Delivery, DeliveryStatus
from postroom.delivery.sending.runs import RUNS


def suppress_hard_bounces(
    *,
    workspace_id: int,
    emails: list[str],
    note: str = "5.1.x",
    reason: SuppressionReason = SuppressionReason.HARD_BOUNCE,
) -> None:
    """Suppress addresses that cannot receive mail; one already suppressed keeps its entry."""
    Suppression.objects.bulk_create(
        [
            Suppression(
                workspace_id=workspace_id,
                email=email.lower(),
                reason=reason,
                note=note[:255],
            )
            for email in set(emails)
        ],
        ignore_conflicts=True,
    )


def run_finish_if_done(run_id: int) -> bool:
    """Report a run with nothing left to send as finished (its campaign's owner closes it)."""
    if Delivery.objects.filter(run_id=run_id, status__in=OPEN).exists():
        return False
    return RUNS.finished(run_id)


def runs_cancel_pending(runs: "Iterable[int] | Any") -> int:
    """The waiting deliveries of runs being cancelled become cancelled (run ids or a queryset).

    A message already in a worker's hands finishes its attempt.
    """
    return Delivery.objects.filter(run__in=runs, status__in=CANCELLABLE).update(
        status=DeliveryStatus.CANCELLED, lease_owner="", lease_until=None
    )
