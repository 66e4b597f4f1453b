"""The dashboard's numbers: computed once, kept in the shared cache, refreshed on change.

Services that change what the numbers count call `dashboard_invalidate`; the
cache entry also expires after DASHBOARD_TTL seconds as a safety net.
"""

from typing import Any

from django.core.cache import cache

DASHBOARD_TTL = 60


def _version_key(workspace_id: int) -> str:
    return f"postroom:dashboard:version:{workspace_id}"


def dashboard_invalidate(*, workspace_id: int) -> None:
    key = _version_key(workspace_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)


def dashboard_stats(*, workspace: Any) -> dict[str, Any]:
    version = cache.get_or_set(_version_key(workspace.pk), 1, timeout=None)
    key = f"postroom:dashboard:{workspace.pk}:{version}"
    stats = cache.get(key)
    if stats is None:
        stats = _compute(workspace)
        cache.set(key, stats, timeout=DASHBOARD_TTL)
    result: dict[str, Any] = stats
    return result


def _compute(workspace: Any) -> dict[str, Any]:
    from django.db.models import Q

    from postroom.audience.models import Subscriber
    from postroom.audience.selectors import audience_summary
    from postroom.campaigns.models import Campaign, CampaignStatus
    from postroom.campaigns.selectors import campaign_audience_q

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
