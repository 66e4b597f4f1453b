"""What the campaign page and the API show of the outbox."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from postroom.campaigns.models import Campaign, RunStatus
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.limits import CircuitBreaker
from postroom.delivery.transports.relays import relay_for_workspace

RATE_WINDOW = 60


def campaign_progress(campaign: Campaign) -> dict[str, Any]:
    """Counts per state over the campaign's runs, the sending rate and an estimated finish."""
    deliveries = Delivery.objects.filter(run__campaign=campaign)
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    for row in deliveries.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    now = timezone.now()
    recent = deliveries.filter(sent_at__gte=now - dt.timedelta(seconds=RATE_WINDOW)).count()
    rate = recent / RATE_WINDOW  # messages per second over the last minute
    waiting = counts[DeliveryStatus.QUEUED] + counts[DeliveryStatus.SENDING]
    # An experiment's recipients waiting for their variant are not done either.
    left = waiting + counts[DeliveryStatus.DEFERRED] + counts[DeliveryStatus.WAITING]
    eta = now + dt.timedelta(seconds=waiting / rate) if rate and waiting else None
    reclaimed = deliveries.filter(reclaimed__gt=0).aggregate(n=Count("id"), s=Sum("reclaimed"))
    relay = relay_for_workspace(campaign.workspace_id)
    breaker, retry_in, reason = CircuitBreaker(relay).state()
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "done": sum(counts.values()) - left,
        "rate_per_minute": round(rate * 60),
        "estimated_finish": eta,
        "possible_duplicates": reclaimed["n"] or 0,
        "relay": relay.name,
        "sandbox": relay.is_sandbox,
        "breaker": breaker,
        "breaker_retry_in": round(retry_in),
        "breaker_reason": reason if breaker != "closed" else "",
        "paused_reason": campaign.paused_reason,
    }


def campaign_live_state(campaign: Campaign) -> dict[str, Any]:
    """What the campaign page shows of its sending, and the progress panel refreshes while it runs.

    `sending` says a run is due or sending: "Send now" is not offered then (it would be refused).
    """
    return {
        "campaign": campaign,
        "progress": campaign_progress(campaign),
        "runs": campaign.runs.all()[:20],
        "sending": campaign.runs.filter(status__in=(RunStatus.DUE, RunStatus.SENDING)).exists(),
    }


def delivery_list(campaign: Campaign, *, status: str = "", search: str = "") -> QuerySet[Delivery]:
    deliveries = (
        Delivery.objects.filter(run__campaign=campaign)
        .prefetch_related("attempt_log")
        .order_by("-id")
    )
    if status:
        deliveries = deliveries.filter(status=status)
    if search:
        deliveries = deliveries.filter(Q(email__icontains=search.strip()))
    return deliveries
