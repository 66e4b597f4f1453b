"""The CRM's share of the outbox: spend derived from the relay, in the transaction that wrote the results."""

from typing import Any

from django.dispatch import receiver

from postroom.crm.services.relay_spend import relay_spend_add
from postroom.delivery.signals import DeliveriesRecorded, deliveries_recorded


@receiver(deliveries_recorded, dispatch_uid="postroom.crm.deliveries_recorded")
def spend_from_deliveries(sender: Any, record: DeliveriesRecorded, **kwargs: Any) -> None:
    relay_spend_add(
        campaign_id=record.campaign_id,
        at=record.at,
        sent=record.sent,
        cost_per_1000=record.cost_per_1000,
    )
