from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from postroom.core.models import WorkerHeartbeat


def health_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"status": "error", "error": type(exc).__name__}
    return {"status": "ok", "vendor": connection.vendor}


def health_cache() -> dict[str, Any]:
    key = "postroom:health-probe"
    try:
        value = timezone.now().isoformat()
        cache.set(key, value, 30)
        if cache.get(key) != value:
            return {"status": "error", "error": "cache did not return what was stored"}
    except Exception as exc:
        return {"status": "error", "error": type(exc).__name__}
    return {"status": "ok", "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def health_worker(*, now: datetime | None = None) -> dict[str, Any]:
    """`ok` when some worker beat within WORKER_STALE_SECONDS, `stale` if older, else `missing`."""
    now = now or timezone.now()
    try:
        latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    except Exception as exc:
        return {"status": "error", "error": type(exc).__name__}
    if latest is None:
        return {"status": "missing", "last_heartbeat": None}
    age = now - latest.beat_at
    stale = age > timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return {
        "status": "stale" if stale else "ok",
        "last_heartbeat": latest.beat_at.isoformat(),
        "age_seconds": int(age.total_seconds()),
        "worker": latest.name,
    }


def health_report() -> dict[str, Any]:
    checks = {"database": health_database(), "cache": health_cache(), "worker": health_worker()}
    ok = all(check["status"] == "ok" for check in checks.values())
    return {"status": "ok" if ok else "degraded", **checks}
