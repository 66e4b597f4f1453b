"""The push sandbox's demo page: subscribe this browser in the sandbox, then see pushes arrive.

The page asks for notification permission on a click, registers a service
worker that imports the real `/push/sw.js`, and creates the signed-in user's
sandbox device. It then polls the device's sandbox inbox and hands each
notification to the worker, which shows it and reports it as a push would;
clicks go through the notification's (tracked) URL.
"""

import zoneinfo

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.push.providers.sandbox import sandbox_inbox, sandbox_inbox_last
from postroom.push.services import demo


@workspace_view(Perm.AUDIENCE_VIEW)
@require_GET
def push_demo(request: WorkspaceRequest) -> HttpResponse:
    device = demo.demo_device(workspace=request.workspace, user=request.user)
    return render(
        request,
        "push/demo.html",
        {
            "device": device,
            "after": (
                sandbox_inbox_last(workspace_id=request.workspace.pk, token=device.token)
                if device is not None
                else ""
            ),
            "sandboxed": demo.demo_sandboxed(workspace=request.workspace),
            "list_name": demo.DEMO_LIST_NAME,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def push_demo_subscribe(request: WorkspaceRequest) -> HttpResponse:
    demo.demo_subscribe(
        workspace=request.workspace,
        user=request.user,
        locale=request.POST.get("locale", "")[:35],
        time_zone=_time_zone(request.POST.get("time_zone", "")),
    )
    return redirect("push_demo")


@workspace_view(Perm.AUDIENCE_VIEW)
@require_GET
@never_cache
def push_demo_inbox(request: WorkspaceRequest) -> JsonResponse:
    """The user's sandbox device's notifications after `?after=<id>` (none without a device)."""
    device = demo.demo_device(workspace=request.workspace, user=request.user)
    entries = (
        sandbox_inbox(
            workspace_id=request.workspace.pk,
            token=device.token,
            after=request.GET.get("after", "")[:40],
        )
        if device is not None
        else []
    )
    return JsonResponse({"notifications": entries})


@csrf_exempt
def push_sandbox_endpoint(request: HttpRequest, token: str) -> HttpResponse:
    """A sandbox device's endpoint: nothing real is delivered here, so a push service would say gone."""
    return HttpResponse(
        "A push sandbox device: its notifications are kept in the sandbox only.\n",
        status=410,
        content_type="text/plain; charset=utf-8",
    )


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return value
