"""What campaigns ask of the outbox, without importing it: the delivery app registers itself.

Campaigns sit below delivery: a campaign's state changes here, and what that
means for its Delivery rows (cancel what waits, queue the failed again, start
jobs) is the outbox's. `postroom.delivery` registers its implementation when
Django starts (`DeliveryConfig.ready`).
"""

from collections.abc import Iterable
from typing import Protocol


class Outbox(Protocol):
    def runs_start(self, runs: list[tuple[int, str]], *, workspace_id: int) -> None:
        """Once the transaction commits, launch the due runs and send the others ((id, status) pairs)."""
        ...

    def runs_cancel_pending(self, run_ids: Iterable[int]) -> int:
        """Cancel the runs' waiting deliveries; returns how many."""
        ...

    def runs_requeue_failed(self, *, campaign_id: int, run_ids: list[int]) -> dict[int, int]:
        """Queue the runs' failed deliveries again; returns how many per run."""
        ...


_registered: list[Outbox] = []


def outbox_register(outbox: Outbox) -> None:
    _registered[:] = [outbox]


def outbox() -> Outbox:
    if not _registered:
        raise RuntimeError("no outbox registered: is postroom.delivery in INSTALLED_APPS?")
    return _registered[0]
