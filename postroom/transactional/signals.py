"""Signals of the transactional app, for the apps above it (event webhooks) to act on.

Sent inside the transaction that wrote the status, so a receiver's writes commit
or roll back with it.
"""

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True, slots=True)
class TxStatus:
    """A transactional message reached a new status (queued, sent, deferred, failed, refused)."""

    workspace_id: int
    message_id: str  # the public id the API answered with
    status: str
    to: str
    at: dt.datetime
    detail: str = ""  # the server's answer or the reason, when there is one


# sender=TxStatus, status=<TxStatus>.
tx_status_changed = Signal()
