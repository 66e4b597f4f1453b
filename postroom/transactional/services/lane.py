"""The priority lane's source: the stored bytes of transactional messages, and their news."""

import datetime as dt
from collections.abc import Sequence

from postroom.audience.selectors import addresses_suppressed
from postroom.delivery.sending.claims import Claimed
from postroom.delivery.sending.lane import LaneMessage
from postroom.delivery.sending.policy import Transition
from postroom.transactional.models import TxMessage
from postroom.transactional.services.status import tx_state, tx_status_announce


class TxLaneSource:
    """Registered with the lane at start (`apps.py`)."""

    def build(self, claimed: Sequence[Claimed]) -> dict[int, LaneMessage | str]:
        """The bytes built at submission; an address suppressed since then is refused
        unless the template was exempt."""
        rows = TxMessage.objects.filter(delivery_id__in=[c.id for c in claimed]).values_list(
            "delivery_id",
            "workspace_id",
            "to",
            "envelope_from",
            "mime",
            "template__suppression_exempt",
        )
        found: dict[int, LaneMessage | str] = {}
        checked: dict[int, list[tuple[int, str]]] = {}
        for delivery_id, workspace_id, to, sender, mime, exempt in rows:
            found[delivery_id] = LaneMessage(sender=sender, data=bytes(mime))
            if not exempt:
                checked.setdefault(workspace_id, []).append((delivery_id, to))
        for workspace_id, items in checked.items():
            suppressed = set(
                addresses_suppressed(workspace_id=workspace_id, emails=[to for _id, to in items])
            )
            for delivery_id, to in items:
                if to in suppressed:
                    found[delivery_id] = "suppressed since the message was submitted"
        return found

    def recorded(self, transitions: Sequence[Transition], *, at: dt.datetime) -> None:
        messages = TxMessage.objects.filter(
            delivery_id__in=[change.delivery_id for change in transitions]
        ).only("workspace_id", "public_id", "to", "delivery_id")
        by_delivery = {message.delivery_id: message for message in messages}
        for change in transitions:
            message = by_delivery.get(change.delivery_id)
            if message is not None:
                tx_status_announce(
                    message=message,
                    status=tx_state(change.status),
                    at=at,
                    detail=change.last_response,
                )
