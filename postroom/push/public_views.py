"""What Postroom serves to the customer's web pages: the subscribe snippet and the service worker.

The snippet (`/push/snippet.js?key=prk_…`) carries the workspace's VAPID
public key and registers subscriptions with the registration key; it asks
for permission only when a `[data-postroom-push]` button is clicked. The
service worker code (`/push/sw.js`) is imported by a one-line worker the
customer serves from their own origin (a worker controls its own origin only).
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from postroom.push.models import ProviderKind, PushProvider
from postroom.push.services.keys import registration_key_find

JS = "application/javascript; charset=utf-8"


@require_GET
@cache_control(public=True, max_age=300)
def push_snippet(request: HttpRequest) -> HttpResponse:
    key = registration_key_find(request.GET.get("key", ""))
    provider = (
        PushProvider.objects.filter(
            workspace=key.workspace, kind=ProviderKind.WEBPUSH, is_active=True
        ).first()
        if key is not None
        else None
    )
    if key is None or provider is None:
        body = (
            "/* Postroom: unknown registration key, or no Web Push settings in its workspace. */\n"
        )
        return HttpResponse(body, status=404, content_type=JS)
    config = {
        "key": request.GET["key"],
        "vapidPublicKey": provider.vapid_public_key,
        "registerUrl": settings.SITE_URL + reverse("push-device-register"),
    }
    # JSON is a JS literal; json.dumps escapes every non-ASCII character (U+2028 too).
    response = render(
        request, "push/snippet.js", {"config_json": json.dumps(config)}, content_type=JS
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def push_service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "push/sw.js", {"site_url": settings.SITE_URL}, content_type=JS)
    response["Access-Control-Allow-Origin"] = "*"  # importScripts() from the customer's origin
    return response
