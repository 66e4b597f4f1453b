from django.core.cache import cache
from django.utils import timezone


def counter_incr(key: str, timeout: int, amount: int = 1) -> int:
    """Add `amount` to a counter in the shared cache (created with `timeout`); the new value."""
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key, amount))
    except ValueError:  # expired between add and incr
        cache.add(key, amount, timeout)
        return amount


def hourly_limit_exceeded(key: str, limit: int, *, amount: int = 1) -> bool:
    """Count `amount` more events for `key` in the current hour (shared cache); True past `limit`."""
    return counter_incr(f"postroom:ratelimit:{key}:{timezone.now():%Y%m%d%H}", 3600, amount) > limit
