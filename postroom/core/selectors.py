from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

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


_DEFAULT_PORTS = {"http": 80, "https": 443}
# Names of this machine that reach the same server: no warning between them.
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    return scheme, "loopback" if host in _LOOPBACK else host, port


def site_url_check(*, request_url: str) -> dict[str, Any]:
    """Whether SITE_URL (the address in every sent link) is where this request came in.

    `mismatch` means links in mail lead somewhere else than this site, such as
    the default port 8000 while the server runs on another one. Behind a proxy,
    or when reached by a second name, a mismatch can be expected: it is a
    warning, never a reason to fail the health check.
    """
    site_url = settings.SITE_URL
    request = urlsplit(request_url)
    matches = _origin(site_url) == _origin(request_url)
    return {
        "status": "ok" if matches else "mismatch",
        "site_url": site_url,
        "request": f"{request.scheme}://{request.netloc}",
    }


def health_report() -> dict[str, Any]:
    checks = {"database": health_database(), "cache": health_cache(), "worker": health_worker()}
    ok = all(check["status"] == "ok" for check in checks.values())
    return {"status": "ok" if ok else "degraded", **checks}
