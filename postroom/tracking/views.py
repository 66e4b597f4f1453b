"""Public tracking endpoints: fast, cookie-free, no database write per request.

The open pixel and the click redirect check their signed token, hand a hit to
the buffer and answer; nothing here reads the session or the user.
"""

import base64
from typing import Any

import orjson
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from postroom.core.csp import MAIL_PAGE_POLICY
from postroom.core.ratelimit import hourly_limit_exceeded
from postroom.tracking.buffer import hit_record
from postroom.tracking.clicks import click_location, link_redirects, link_target
from postroom.tracking.hits import conversion_uid, hit_make, lead_details, revenue_parse
from postroom.tracking.pagecache import page_unavailable
from postroom.tracking.signals import ReportedLead, lead_reported
from postroom.tracking.tokens import CLICK, OPEN, RECEIVED, VISITOR, WEB_VIEW, token_read
from postroom.tracking.webview import web_view_page

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = "no-store, no-cache, must-revalidate, private, max-age=0"


class _Redirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https"]


@require_http_methods(["GET", "HEAD"])
def tracking_open(request: HttpRequest, token: str) -> HttpResponse:
    ids = token_read(OPEN, token)
    if ids is not None:
        hit_record(hit_make("open", ids[0], request=request))
    # A forged token gets the same image: a pixel must never show as broken.
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = NO_STORE
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST", "OPTIONS"])
def tracking_click(request: HttpRequest, token: str) -> HttpResponse:
    """A tap on a tracked link: redirected to it; a POST (a push's service worker or
    app, which opens the link itself) and a link that is no web address (an app's
    deep link) are recorded and answered 204."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204), methods="GET, POST, OPTIONS")
    ids = token_read(CLICK, token)
    link = link_target(ids[1]) if ids and ids[1] is not None else None
    if ids is None or link is None:
        response = render(request, "tracking/invalid.html", status=404)
        return _cors(response) if request.method == "POST" else response
    delivery_id, link_id = ids[0], ids[1]
    hit_record(hit_make("click", delivery_id, request=request, link_id=link_id))
    if request.method == "POST" or not link_redirects(link):
        return _cors(_no_content(), methods="GET, POST, OPTIONS")
    response = _Redirect(click_location(delivery_id, link))
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST", "OPTIONS"])
def tracking_received(request: HttpRequest, token: str) -> HttpResponse:
    """A push notification shown on its device, reported by the service worker or the app.

    Any origin may call it (no credentials); a forged token records nothing and
    gets the same answer.
    """
    if request.method != "OPTIONS":
        ids = token_read(RECEIVED, token)
        if ids is not None:
            hit_record(hit_make("received", ids[0], request=request))
    return _cors(_no_content(), methods="GET, POST, OPTIONS")


def _no_content() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Cache-Control"] = NO_STORE
    return response


def tracking_web_view(request: HttpRequest, token: str) -> HttpResponse:
    ids = token_read(WEB_VIEW, token)
    page = web_view_page(ids[0]) if ids else None
    if page is None:
        return render(request, "tracking/invalid.html", status=404)
    if page.html is None:
        return page_unavailable(request, busy=page.busy)
    response = HttpResponse(page.html)
    response["Cache-Control"] = NO_STORE
    response["Content-Security-Policy"] = MAIL_PAGE_POLICY
    response["X-Robots-Tag"] = "noindex"
    return response


@cache_control(public=True, max_age=3600)
def tracking_snippet(request: HttpRequest) -> HttpResponse:
    beacon = settings.SITE_URL + "/t/b/"
    return render(
        request,
        "tracking/snippet.js",
        {"beacon": beacon, "days": 30},
        content_type="application/javascript; charset=utf-8",
    )


def _cors(response: HttpResponse, methods: str = "POST, OPTIONS") -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = methods
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return response


BEACON_CONVERSIONS_PER_HOUR = 10


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def tracking_beacon(request: HttpRequest) -> HttpResponse:
    """Page views and conversions from the snippet on the customer's site (sendBeacon)."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if len(request.body) > 4096:
        return _cors(HttpResponseBadRequest("too large"))
    try:
        data: Any = orjson.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
        revenue = revenue_parse(data.get("revenue"))
    except ValueError:
        return _cors(HttpResponseBadRequest("invalid"))
    visitor = str(data.get("v", ""))
    ids = token_read(VISITOR, visitor)
    kind = data.get("type")
    if ids is None or kind not in ("page", "conversion", "lead"):
        return _cors(HttpResponse(status=204))  # nothing to record; nothing to tell a stranger
    extra: dict[str, Any] = {"url": str(data.get("url", ""))[:500]}
    if kind == "lead":
        return _cors(_lead_reported(request, visitor, ids[0], data.get("lead"), extra["url"]))
    uid = ""
    if kind == "conversion":
        # Anyone holding the token (whoever clicked) can claim conversions for it: at
        # most a few an hour count, so one visitor cannot make up a campaign's revenue.
        if hourly_limit_exceeded(f"beacon-conversions:{ids[0]}", BEACON_CONVERSIONS_PER_HOUR):
            return _cors(HttpResponse(status=204))
        goal = str(data.get("goal", "") or "conversion")[:100]
        extra.update(g=goal, r=str(revenue) if revenue is not None else None)
        if data.get("id"):  # an order id: the same order is one conversion, however often sent
            uid = conversion_uid(ids[0], goal, str(data["id"]))
    hit_record(hit_make(kind, ids[0], request=request, uid=uid, **extra))
    return _cors(HttpResponse(status=204))


def _lead_reported(
    request: HttpRequest, visitor: str, delivery_id: int, lead: Any, url: str
) -> HttpResponse:
    """A lead from the customer's own form: a "lead" conversion, and the CRM records the lead.

    Counted against the visitor's hourly snippet conversions; the same address
    makes one conversion however often its page is reloaded.
    """
    details = lead_details(lead)
    if details is None:
        return HttpResponseBadRequest("invalid lead")
    if hourly_limit_exceeded(f"beacon-conversions:{delivery_id}", BEACON_CONVERSIONS_PER_HOUR):
        return HttpResponse(status=204)
    key = details["email"] or details["phone"]
    uid = conversion_uid(delivery_id, "lead", key)
    hit_record(
        hit_make("conversion", delivery_id, request=request, uid=uid, url=url, g="lead", r=None)
    )
    reported = ReportedLead(visitor=visitor, delivery_id=delivery_id, url=url, **details)
    lead_reported.send(sender=ReportedLead, lead=reported)
    return HttpResponse(status=204)
