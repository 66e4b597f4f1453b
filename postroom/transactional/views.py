"""Pages: transactional templates (versions, preview with sample data) and the message log."""

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.content.templating import SecurityError, TemplateError
from postroom.core.tenancy import get_scoped_or_404
from postroom.transactional.models import TemplateVersion, TxState
from postroom.transactional.selectors import tx_message_get, tx_messages, tx_templates
from postroom.transactional.services.status import tx_state
from postroom.transactional.services.templates import sample_data, tx_template_preview

LOG_PAGE = 50


@workspace_view()
def tx_template_list(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "transactional/template_list.html",
        {
            "templates": tx_templates(workspace=request.workspace),
            "can_change": request.membership.has(Perm.CONTENT_CHANGE),
        },
    )


@workspace_view()
def tx_template_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The template's variables and kept versions, and a preview with the data typed in."""
    template = get_scoped_or_404(
        tx_templates(workspace=request.workspace), request.workspace, pk=pk
    )
    text = request.GET.get("data") or json.dumps(sample_data(message=template), indent=2)
    context: dict[str, Any] = {
        "template": template,
        "versions": TemplateVersion.objects.filter(message=template)[:50],
        "data_text": text,
        "width": 680,
        "can_change": request.membership.has(Perm.CONTENT_CHANGE),
    }
    try:
        if len(text) > 100_000:
            raise ValueError
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError
    except (ValueError, RecursionError):
        context["error"] = _("The sample data must be a JSON object.")
        return render(request, "transactional/template_detail.html", context)
    try:
        context["rendered"] = tx_template_preview(
            message=template, data=data, email="jane@example.com"
        )
    except (SecurityError, TemplateError) as exc:
        context["error"] = str(exc)
    return render(request, "transactional/template_detail.html", context)


@workspace_view()
def tx_log(request: WorkspaceRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    to = request.GET.get("to", "")[:254].replace("\x00", "")
    messages = tx_messages(workspace=request.workspace, status=status, to=to)
    page = Paginator(messages, LOG_PAGE).get_page(request.GET.get("page"))
    rows = [(message, tx_state(message.delivery.status)) for message in page]
    return render(
        request,
        "transactional/log.html",
        {"page": page, "rows": rows, "states": TxState.choices, "status": status, "to": to},
    )


@workspace_view()
def tx_log_detail(request: WorkspaceRequest, public_id: str) -> HttpResponse:
    message = tx_message_get(workspace=request.workspace, public_id=public_id)
    if message is None:
        raise Http404
    return render(
        request,
        "transactional/log_detail.html",
        {
            "message": message,
            "state": tx_state(message.delivery.status),
            "attempts": message.delivery.attempt_log.all(),
        },
    )
