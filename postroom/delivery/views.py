"""Pages of the outbox: relays, the sandbox, a campaign's progress and deliveries."""

import csv
import re
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.exports import EchoBuffer, cell_neutralize
from postroom.campaigns.channels import channel_content_name
from postroom.campaigns.forms import DecisionForm
from postroom.campaigns.models import Campaign
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped
from postroom.delivery.forms import RelayForm
from postroom.delivery.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    SandboxMessage,
    SmtpRelay,
)
from postroom.delivery.selectors import campaign_live_state, delivery_list
from postroom.delivery.services import relays
from postroom.delivery.transports.relays import relay_for_workspace
from postroom.delivery.transports.sandbox import sandbox_read


@workspace_view()
def campaign_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The campaign's page: its settings, decisions, and its outbox live (progress, runs, actions)."""
    campaign = get_scoped_or_404(
        Campaign.objects.select_related("message", "segment"), request.workspace, pk=pk
    )
    m = request.membership
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            **campaign_live_state(campaign),
            "events": campaign.events.select_related("user")[:50],
            "content_name": channel_content_name(campaign),
            "decision_form": DecisionForm(),
            "can_change": m.has(Perm.CAMPAIGN_CHANGE),
            "can_send": m.has(Perm.CAMPAIGN_SEND),
            "can_approve": m.has(Perm.CAMPAIGN_APPROVE),
        },
    )


@workspace_view(Perm.RELAY_MANAGE)
def relay_index(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "delivery/relay_index.html",
        {
            "relays": scoped(SmtpRelay, request.workspace),
            "current": relay_for_workspace(request.workspace.pk),
        },
    )


@workspace_view(Perm.RELAY_MANAGE)
def relay_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    relay = get_scoped_or_404(SmtpRelay, request.workspace, pk=pk) if pk else None
    form = RelayForm(request.POST or None, instance=relay)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in RelayForm.Meta.fields}
        secrets = form.secrets()
        try:
            relays.relay_save(
                actor=request.membership,
                relay=SmtpRelay.objects.get(pk=relay.pk) if relay else None,
                password=secrets["password"],
                dkim_key=secrets["dkim_key"],
                mailbox_password=secrets["mailbox_password"],
                **fields,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Relay saved."))
            return redirect("relay_index")
    return render(request, "delivery/relay_edit.html", {"form": form, "relay": relay})


@workspace_view(Perm.RELAY_MANAGE)
@require_POST
def relay_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    relay = get_scoped_or_404(SmtpRelay, request.workspace, pk=pk)
    relays.relay_delete(actor=request.membership, relay=relay)
    messages.success(request, _("Relay deleted."))
    return redirect("relay_index")


@workspace_view(Perm.RELAY_MANAGE)
@require_POST
def relay_poll(request: WorkspaceRequest, pk: int) -> HttpResponse:
    relay = get_scoped_or_404(SmtpRelay, request.workspace, pk=pk)
    try:
        relays.relay_mailbox_poll(actor=request.membership, relay=relay)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The bounce mailbox is being read; reload the page in a moment for the result."),
        )
    return redirect("relay_edit", pk=relay.pk)


@workspace_view()
def sandbox_index(request: WorkspaceRequest) -> HttpResponse:
    sandboxed = scoped(SandboxMessage, request.workspace)
    if request.GET.get("q"):
        sandboxed = sandboxed.filter(recipient__icontains=request.GET["q"].strip())
    page = Paginator(sandboxed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "delivery/sandbox_index.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "sandbox": relay_for_workspace(request.workspace.pk).is_sandbox,
        },
    )


_BASE_TARGET = '<base target="_blank">'


@workspace_view()
def sandbox_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    kept = get_scoped_or_404(SandboxMessage, request.workspace, pk=pk)
    raw = sandbox_read(kept)
    parsed = message_from_bytes(raw, policy=default_policy) if raw else None
    text = html = ""
    if parsed is not None:
        for part in parsed.walk():
            if part.get_content_type() == "text/plain" and not text:
                text = part.get_content()
            elif part.get_content_type() == "text/html" and not html:
                html = part.get_content()
    headers = [(k, str(v)) for k, v in parsed.items()] if parsed is not None else []
    one_click = ""
    if parsed is not None and parsed.get("List-Unsubscribe-Post"):
        found = re.search(r"<(https?://[^>]+)>", str(parsed.get("List-Unsubscribe", "")))
        one_click = found.group(1) if found else ""
    if html:
        # Links open in a new tab, as in a mail client; scripts stay blocked by the sandbox.
        html = _BASE_TARGET + html
    if request.GET.get("raw"):
        return HttpResponse(raw, content_type="text/plain; charset=utf-8")
    return render(
        request,
        "delivery/sandbox_detail.html",
        {"kept": kept, "headers": headers, "text": text, "html": html, "one_click": one_click},
    )


@workspace_view()
def campaign_progress_panel(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The campaign page's live part, polled while it sends: progress, and (out of band) status, buttons and runs."""
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    m = request.membership
    return render(
        request,
        "delivery/_progress.html",
        {
            **campaign_live_state(campaign),
            "oob": True,
            "can_change": m.has(Perm.CAMPAIGN_CHANGE),
            "can_send": m.has(Perm.CAMPAIGN_SEND),
        },
    )


@workspace_view()
def campaign_deliveries(request: WorkspaceRequest, pk: int) -> HttpResponseBase:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    search = request.GET.get("q", "")
    deliveries = delivery_list(campaign, status=status, search=search)
    if request.GET.get("export") == "csv":
        response = StreamingHttpResponse(_csv_rows(deliveries), content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="campaign-{campaign.pk}-deliveries.csv"'
        )
        return response
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "delivery/deliveries.html",
        {
            "campaign": campaign,
            "page": page,
            "status": status,
            "q": search,
            "statuses": DeliveryStatus.choices,
        },
    )


def _csv_rows(deliveries: QuerySet[Delivery]) -> Iterator[str]:
    """One row per attempt (a delivery never tried gets one row too), streamed."""
    writer = csv.writer(EchoBuffer())
    yield writer.writerow(
        [
            "email",
            "status",
            "attempts",
            "sent_at",
            "attempt_at",
            "outcome",
            "smtp_code",
            "enhanced_code",
            "response",
            "duration_ms",
        ]
    )
    for delivery in deliveries.iterator(chunk_size=1000):
        attempts: list[DeliveryAttempt | None] = [*delivery.attempt_log.all()] or [None]
        for attempt in attempts:
            yield writer.writerow(
                [
                    cell_neutralize(delivery.email),
                    delivery.status,
                    delivery.attempts,
                    delivery.sent_at.isoformat() if delivery.sent_at else "",
                    attempt.at.isoformat() if attempt else "",
                    attempt.outcome if attempt else "",
                    attempt.smtp_code if attempt and attempt.smtp_code is not None else "",
                    attempt.enhanced_code if attempt else "",
                    cell_neutralize(attempt.response if attempt else delivery.last_response),
                    attempt.duration_ms if attempt else "",
                ]
            )
