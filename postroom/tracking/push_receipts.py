"""A push provider's receipts (OneSignal's polled outcomes) into the event log.

The push app announces what it polled with `push_outcomes_polled`; each
delivered, failed or clicked figure becomes one event of its delivery, with an
id made from the delivery and the kind, so polling the same notification again
(its figures are cumulative) records nothing new. A click the tracked redirect
already recorded is not recorded again from the provider's figure.
"""

import time
from collections.abc import Iterable, Set
from typing import Any, Protocol

from django.dispatch import receiver

from postroom.delivery.models import Delivery
from postroom.push.signals import push_outcomes_polled
from postroom.tracking.ingest import IngestReport, hits_ingest
from postroom.tracking.models import Event, EventKind


class Receipt(Protocol):
    """A provider's figures for one notification (`postroom.push.providers.outcomes.PushOutcome`)."""

    @property
    def delivery_id(self) -> int | None: ...
    @property
    def delivered(self) -> bool: ...
    @property
    def failed(self) -> bool: ...
    @property
    def clicked(self) -> bool: ...


def receipt_uid(kind: str, delivery_id: int) -> str:
    return f"push-{kind}:{delivery_id}"


def receipt_hits(
    receipts: Iterable[Receipt], *, mine: Set[int], clicked: Set[int], at: float
) -> list[dict[str, Any]]:
    """The hits of `receipts` for deliveries in `mine`; `clicked`: deliveries with a click recorded."""
    hits = []
    for receipt in receipts:
        delivery_id = receipt.delivery_id
        if delivery_id is None or delivery_id not in mine:
            continue
        kinds = []
        if receipt.delivered or receipt.clicked:  # a tapped notification was delivered
            kinds.append(EventKind.RECEIVED)
        if receipt.failed and not receipt.delivered:
            kinds.append(EventKind.FAILED)
        if receipt.clicked and delivery_id not in clicked:
            kinds.append(EventKind.CLICK)
        for kind in kinds:
            uid = receipt_uid(str(kind), delivery_id)
            hits.append({"u": uid, "k": str(kind), "d": delivery_id, "t": at, "a": "provider"})
    return hits


def receipts_record(workspace_id: int, receipts: list[Receipt]) -> IngestReport:
    """Record `receipts` of the workspace's deliveries; anything else's is ignored."""
    ids = {r.delivery_id for r in receipts if r.delivery_id is not None}
    if not ids:
        return IngestReport()
    mine = set(
        Delivery.objects.filter(
            pk__any=list(ids), run__campaign__workspace_id=workspace_id
        ).values_list("pk", flat=True)
    )
    clicked = set(
        Event.objects.filter(delivery_id__any=list(mine), kind=EventKind.CLICK).values_list(
            "delivery_id", flat=True
        )
    )
    return hits_ingest(receipt_hits(receipts, mine=mine, clicked=clicked, at=time.time()))


@receiver(push_outcomes_polled)
def _outcomes_polled(
    sender: Any, workspace_id: int, outcomes: list[Receipt], **kwargs: Any
) -> None:
    receipts_record(workspace_id, outcomes)
