from django.core.cache import cache
from django.utils import timezone


def hourly_limit_exceeded(key: str, limit: int) -> bool:
    """Count one more event for `key` in the current hour (shared cache); True past `limit`."""
    bucket = f"postroom:ratelimit:{key}:{timezone.now():%Y%m%d%H}"
    cache.add(bucket, 0, timeout=3600)
    return int(cache.incr(bucket)) > limit
