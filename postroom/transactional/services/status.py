"""A transactional message's state, and its announcement to the apps above (event webhooks)."""

import datetime as dt

from postroom.delivery.models import DeliveryStatus
from postroom.transactional.models import TxMessage, TxState
from postroom.transactional.signals import TxStatus, tx_status_changed

# A delivery's status as the message's state: a skip means the lane refused it at send time.
STATES = {
    DeliveryStatus.QUEUED: TxState.QUEUED,
    DeliveryStatus.SENDING: TxState.SENDING,
    DeliveryStatus.SENT: TxState.SENT,
    DeliveryStatus.DEFERRED: TxState.DEFERRED,
    DeliveryStatus.FAILED: TxState.FAILED,
    DeliveryStatus.SKIPPED: TxState.REFUSED,
    DeliveryStatus.CANCELLED: TxState.FAILED,
}


def tx_state(delivery_status: str) -> TxState:
    return STATES.get(DeliveryStatus(delivery_status), TxState.FAILED)


def tx_status_announce(
    *, message: TxMessage, status: str, at: dt.datetime, detail: str = ""
) -> None:
    """Send `tx_status_changed`; call it inside the transaction that wrote the status."""
    tx_status_changed.send(
        sender=TxStatus,
        status=TxStatus(
            workspace_id=message.workspace_id,
            message_id=message.public_id,
            status=status,
            to=message.to,
            at=at,
            detail=detail[:500],
        ),
    )
