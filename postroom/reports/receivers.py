"""What other apps announce that adds to the report's aggregates, in the announcer's transaction."""

from typing import Any

from postroom.delivery.signals import DeliveriesRecorded
from postroom.reports.recording import counters_add, domains_add
from postroom.tracking.signals import EventCounts


def deliveries_count(sender: Any, record: DeliveriesRecorded, **kwargs: Any) -> None:
    """Add what a write of a run's results changed (`deliveries_recorded`)."""
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


def events_count(sender: Any, counts: EventCounts, **kwargs: Any) -> None:
    """Add a tracking batch's counts (`events_counted`), in the ingest's transaction."""
    for delta in counts.counters:
        counters_add(
            campaign_id=delta.campaign_id,
            run_id=delta.run_id,
            at=delta.hour,
            revenue=delta.revenue,
            **delta.counts,
        )
    for run in counts.bounced:
        domains_add(
            campaign_id=run.campaign_id,
            run_id=run.run_id,
            emails=list(run.emails),
            column="bounced",
        )
