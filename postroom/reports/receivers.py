"""What other apps announce that adds to the report's aggregates."""

from typing import Any

from postroom.reports.recording import counters_add, domains_add
from postroom.tracking.signals import EventCounts


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
