"""The report's numbers from the outbox: added in the transaction that wrote the deliveries' states."""

from typing import Any

from django.dispatch import receiver

from postroom.delivery.signals import DeliveriesRecorded, deliveries_recorded
from postroom.reports.recording import counters_add, domains_add


@receiver(deliveries_recorded, dispatch_uid="postroom.reports.deliveries_recorded")
def counters_from_deliveries(sender: Any, record: DeliveriesRecorded, **kwargs: Any) -> None:
    counters_add(
        campaign_id=record.campaign_id,
        run_id=record.run_id,
        at=record.at,
        shard=record.shard,
        sent=record.sent,
        failed=record.failed,
        deferred=record.deferred,
        skipped=record.skipped,
    )
    domains_add(campaign_id=record.campaign_id, run_id=record.run_id, emails=record.failed_emails)
