from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from postroom.core.selectors import health_report, site_url_check


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    report = health_report()
    # The database and cache are required to serve; a stale worker degrades but
    # does not make the web process unhealthy for a load balancer.
    serving = report["database"]["status"] == "ok" and report["cache"]["status"] == "ok"
    # A warning only: links in mail lead elsewhere when SITE_URL is not this address.
    report["site_url"] = site_url_check(request_url=request.build_absolute_uri("/"))
    return JsonResponse(report, status=200 if serving else 503)


@cache
def _favicon() -> bytes:
    return (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages without an icon link (raw mail views too)."""
    return HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")
