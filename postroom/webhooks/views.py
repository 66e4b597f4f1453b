"""Pages of the event webhooks: endpoints, their secret, test events, and the delivery log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped
from postroom.webhooks.forms import EndpointForm
from postroom.webhooks.models import MessageStatus, WebhookEndpoint
from postroom.webhooks.selectors import message_log
from postroom.webhooks.services import endpoints

_MANAGE = Perm.WEBHOOK_MANAGE


@workspace_view(_MANAGE)
def webhook_index(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "webhooks/index.html",
        {"endpoints": scoped(WebhookEndpoint, request.workspace)},
    )


@workspace_view(_MANAGE)
def webhook_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    endpoint = get_scoped_or_404(WebhookEndpoint, request.workspace, pk=pk) if pk else None
    initial = (
        {
            "url": endpoint.url,
            "description": endpoint.description,
            "event_types": endpoint.event_types,
        }
        if endpoint
        else None
    )
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = endpoints.endpoint_save(
                actor=request.membership, endpoint=endpoint, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhook_detail", pk=saved.pk)
    return render(request, "webhooks/edit.html", {"form": form, "endpoint": endpoint})


@workspace_view(_MANAGE)
def webhook_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The endpoint and its delivery log: every message with each attempt's answer."""
    endpoint = get_scoped_or_404(WebhookEndpoint, request.workspace, pk=pk)
    status = request.GET.get("status", "")
    if status not in MessageStatus.values:
        status = ""
    page = Paginator(message_log(endpoint, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/detail.html",
        {"endpoint": endpoint, "page": page, "status": status, "statuses": MessageStatus.choices},
    )


@workspace_view(_MANAGE)
@require_POST
def webhook_secret(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Reveal (or, with `rotate`, replace) the signing secret: shown on this answer only."""
    endpoint = get_scoped_or_404(WebhookEndpoint, request.workspace, pk=pk)
    if request.POST.get("rotate"):
        secret = endpoints.endpoint_secret_rotate(actor=request.membership, endpoint=endpoint)
        messages.success(request, _("A new secret was made; the old one no longer signs."))
    else:
        secret = endpoints.endpoint_secret(actor=request.membership, endpoint=endpoint)
    return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})


@workspace_view(_MANAGE)
@require_POST
def webhook_test(request: WorkspaceRequest, pk: int) -> HttpResponse:
    endpoint = get_scoped_or_404(WebhookEndpoint, request.workspace, pk=pk)
    try:
        endpoints.endpoint_test(actor=request.membership, endpoint=endpoint)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A test event is on its way; its answer appears in the log."))
    return redirect("webhook_detail", pk=endpoint.pk)


@workspace_view(_MANAGE)
@require_POST
def webhook_enable(request: WorkspaceRequest, pk: int) -> HttpResponse:
    endpoint = get_scoped_or_404(WebhookEndpoint, request.workspace, pk=pk)
    endpoints.endpoint_enable(actor=request.membership, endpoint=endpoint)
    messages.success(request, _("Endpoint enabled."))
    return redirect("webhook_detail", pk=endpoint.pk)


@workspace_view(_MANAGE)
@require_POST
def webhook_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    endpoint = get_scoped_or_404(WebhookEndpoint, request.workspace, pk=pk)
    endpoints.endpoint_delete(actor=request.membership, endpoint=endpoint)
    messages.success(request, _("Endpoint deleted."))
    return redirect("webhook_index")
