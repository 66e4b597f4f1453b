"""The cache keys of a workspace's dashboard numbers, and their invalidation.

The numbers themselves are counted in `postroom.reports.dashboard`; this module
holds only the version bump, so the services of every app below reports can
say "what the dashboard counts changed" without importing reports. The cached
entry also expires after `reports.dashboard.DASHBOARD_TTL` seconds as a safety net.
"""

from django.core.cache import cache


def _version_key(workspace_id: int) -> str:
    return f"postroom:dashboard:version:{workspace_id}"


def dashboard_invalidate(*, workspace_id: int) -> None:
    """Make the workspace's cached dashboard numbers stale: the next read counts again."""
    key = _version_key(workspace_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)


def dashboard_cache_key(*, workspace_id: int) -> str:
    """The cache key of the workspace's current dashboard numbers (changes on invalidation)."""
    version = cache.get_or_set(_version_key(workspace_id), 1, timeout=None)
    return f"postroom:dashboard:{workspace_id}:{version}"
