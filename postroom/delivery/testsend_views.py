"""The message page's "send a test" form: a delivery action, so it lives with the sender."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.models import Subscriber
from postroom.content.forms import TestSendForm
from postroom.content.models import Message
from postroom.core.tenancy import get_scoped_or_404
from postroom.delivery.sending.testsend import TestSendLimited, test_send_start


@workspace_view(Perm.CONTENT_CHANGE)
@require_POST
def message_test_send_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Queue a test send of the message and go back to its page, saying what happened."""
    message = get_scoped_or_404(Message, request.workspace, pk=pk)
    form = TestSendForm(request.POST)
    if form.is_valid():
        chosen = request.POST.get("subscriber", "")
        subscriber_id = (
            get_scoped_or_404(Subscriber, request.workspace, pk=chosen).pk
            if chosen.isdigit()
            else None
        )
        try:
            plan = test_send_start(
                workspace=request.workspace,
                user=request.user,
                message=message,
                to=form.cleaned_data["to"],
                subscriber_id=subscriber_id,
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except TestSendLimited as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Test message on its way to %(to)s.") % {"to": ", ".join(plan.to)}
            )
            if plan.suppressed:
                messages.warning(
                    request,
                    _("Skipped, on the suppression list: %(to)s.")
                    % {"to": ", ".join(plan.suppressed)},
                )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("to", [])))
    return redirect("message_edit", pk=message.pk)
