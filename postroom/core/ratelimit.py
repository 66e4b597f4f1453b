from django.core.cache import cache
from django.utils import timezone


def counter_incr(key: str, timeout: int) -> int:
    """Add one to a counter in the shared cache (created with `timeout`); the new value."""
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def hourly_limit_exceeded(key: str, limit: int) -> bool:
    """Count one more event for `key` in the current hour (shared cache); True past `limit`."""
    return counter_incr(f"postroom:ratelimit:{key}:{timezone.now():%Y%m%d%H}", 3600) > limit
