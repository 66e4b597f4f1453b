"""The dashboard's and the landing page's numbers: counted once, kept in the shared cache.

Services that change what a workspace's numbers count call
`postroom.core.dashboard.dashboard_invalidate`; the cache entry also expires
after DASHBOARD_TTL seconds as a safety net. The landing page's
installation-wide numbers are counted again by a job when they are older than
LANDING_TTL: no visitor's request counts over millions of rows.
"""

import time
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from postroom.audience.models import Subscriber
from postroom.audience.selectors import audience_summary
from postroom.campaigns.models import Campaign, CampaignStatus
from postroom.campaigns.selectors import campaign_audience_q
from postroom.core.dashboard import dashboard_cache_key
from postroom.delivery.models import Delivery, DeliveryStatus

DASHBOARD_TTL = 60


def dashboard_stats(*, workspace: Any) -> dict[str, Any]:
    """The workspace's campaigns, subscribers, recipients and upcoming runs, from the cache."""
    key = dashboard_cache_key(workspace_id=workspace.pk)
    stats = cache.get(key)
    if stats is None:
        stats = _compute(workspace)
        cache.set(key, stats, timeout=DASHBOARD_TTL)
    result: dict[str, Any] = stats
    return result


def _compute(workspace: Any) -> dict[str, Any]:
    campaigns = Campaign.objects.filter(workspace=workspace)
    active = campaigns.filter(status__in=(CampaignStatus.SCHEDULED, CampaignStatus.RUNNING))
    audiences = Q(pk__in=[])
    for campaign in campaigns.exclude(status=CampaignStatus.DRAFT).select_related(
        "segment", "exclude_segment"
    ):
        audiences |= campaign_audience_q(campaign)
    upcoming = list(
        active.exclude(next_run_at=None)
        .order_by("next_run_at")
        .values("id", "name", "next_run_at", "time_zone")[:5]
    )
    return {
        **audience_summary(workspace=workspace),
        "campaigns": campaigns.count(),
        "active_campaigns": active.count(),
        "recipients": Subscriber.objects.filter(workspace=workspace).filter(audiences).count(),
        "upcoming": upcoming,
    }


# The landing page's numbers, over the whole installation: anonymous visitors read
# them from the cache; a worker job counts again once they are older than this.
LANDING_TTL = 600
_LANDING_KEY = "postroom:landing"
_LANDING_LOCK = "postroom:landing:counting"


def landing_stats() -> dict[str, int] | None:
    """Campaigns, active campaigns and unique recipients of the installation, from the cache.

    No visitor waits for a count: numbers older than LANDING_TTL are shown
    while one job counts again. Only a cold cache (a first start) counts in
    the request, once, under a lock; other visitors meanwhile get None.
    """
    # Inside: the tasks module imports landing_stats_count from here.
    from postroom.reports.tasks import landing_stats_refresh

    entry = cache.get(_LANDING_KEY)
    if entry is None:
        if not cache.add(_LANDING_LOCK, 1, timeout=LANDING_TTL):
            return None
        return landing_stats_count()
    if time.time() - entry["at"] > LANDING_TTL and cache.add(_LANDING_LOCK, 1, timeout=LANDING_TTL):
        landing_stats_refresh()
    stats: dict[str, int] = entry["stats"]
    return stats


def landing_stats_count() -> dict[str, int]:
    """Count the landing page's numbers now and keep them (the refresh job's work).

    Unique recipients are distinct addresses that were sent at least one
    campaign message, in any workspace.
    """
    try:
        active = (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING)
        stats = {
            "campaigns": Campaign.objects.count(),
            "active_campaigns": Campaign.objects.filter(status__in=active).count(),
            "recipients": Delivery.objects.filter(status=DeliveryStatus.SENT).aggregate(
                n=Count("email", distinct=True)
            )["n"],
        }
        cache.set(_LANDING_KEY, {"stats": stats, "at": time.time()}, timeout=None)
    finally:
        cache.delete(_LANDING_LOCK)
    return stats
