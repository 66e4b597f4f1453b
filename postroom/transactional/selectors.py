"""Reads of transactional messages, always within one workspace."""

from django.db.models import QuerySet

from postroom.accounts.models import Workspace
from postroom.content.models import Message, MessageKind
from postroom.delivery.models import DeliveryStatus
from postroom.transactional.models import TxMessage, TxState

# The delivery statuses behind each state a filter asks for.
_STATUSES = {
    TxState.QUEUED: [DeliveryStatus.QUEUED],
    TxState.SENDING: [DeliveryStatus.SENDING],
    TxState.SENT: [DeliveryStatus.SENT],
    TxState.DEFERRED: [DeliveryStatus.DEFERRED],
    TxState.FAILED: [DeliveryStatus.FAILED, DeliveryStatus.CANCELLED],
    TxState.REFUSED: [DeliveryStatus.SKIPPED],
}


def tx_messages(
    *, workspace: Workspace, status: str = "", to: str = "", template: int | None = None
) -> QuerySet[TxMessage]:
    """The workspace's messages, newest first, with their delivery (and attempts on demand)."""
    messages = TxMessage.objects.filter(workspace=workspace).select_related("delivery", "template")
    if status in _STATUSES:
        messages = messages.filter(delivery__status__in=_STATUSES[TxState(status)])
    if to:
        messages = messages.filter(to__icontains=to.strip().lower())
    if template:
        messages = messages.filter(template_id=template)
    return messages.defer("mime").order_by("-id")


def tx_message_get(*, workspace: Workspace, public_id: str) -> TxMessage | None:
    return (
        tx_messages(workspace=workspace)
        .prefetch_related("delivery__attempt_log")
        .filter(public_id=public_id)
        .first()
    )


def tx_templates(*, workspace: Workspace) -> QuerySet[Message]:
    return Message.objects.filter(workspace=workspace, kind=MessageKind.TRANSACTIONAL).order_by(
        "name"
    )
