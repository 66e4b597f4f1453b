"""Signals of the delivery app, for other apps to count what happened.

Both are sent inside the transaction that wrote what they announce, so a
receiver's writes commit or roll back with it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from postroom.delivery.sending.policy import Transition

# A new BounceEvent was stored (never for a replay): sender=BounceEvent, event=<the row>.
# A replayed intake, which stores nothing, sends nothing.
bounce_recorded = Signal()


@dataclass(frozen=True)
class DeliveriesRecorded:
    """What one write of a run's results changed: counts (negative when undone) and failures."""

    campaign_id: int
    run_id: int
    at: dt.datetime
    shard: int = 0  # spreads concurrent writers over counter rows
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    failed_emails: list[str] = field(default_factory=list)
    relay: str = ""
    # The relay's cost per 1,000 messages (None: no cost, and always for the sandbox).
    cost_per_1000: Decimal | None = None
    # The engine's writes only: the workspace, and each recipient's decided new state
    # (the engine's own list, not a copy, so that nobody pays for what nobody reads).
    workspace_id: int | None = None
    transitions: "Sequence[Transition]" = ()


# Results of a run were written (or failed ones queued again): sender=Delivery, record=<DeliveriesRecorded>.
deliveries_recorded = Signal()
