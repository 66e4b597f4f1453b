import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.forms import SegmentForm
from postroom.audience.models import (
    CustomField,
    MailingList,
    Segment,
    Subscriber,
    SubscriptionStatus,
)
from postroom.audience.segments import (
    SUBSCRIBER_FIELDS,
    builder_options_extra,
    segment_error_text,
    segment_q,
)
from postroom.audience.selectors import count_bounded
from postroom.audience.services.segments import segment_save
from postroom.core.tenancy import get_scoped_or_404, scoped


@workspace_view(Perm.AUDIENCE_VIEW)
def segment_index(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "audience/segment_index.html",
        {
            "segments": scoped(Segment, request.workspace),
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


def _builder_options(request: WorkspaceRequest) -> dict[str, object]:
    return {
        "fields": [*SUBSCRIBER_FIELDS, "domain"],
        "attributes": [
            {"name": f.name, "label": f.label, "type": f.type, "choices": f.choices}
            for f in scoped(CustomField, request.workspace)
        ],
        "lists": [{"id": m.pk, "name": m.name} for m in scoped(MailingList, request.workspace)],
        # A list condition also says which subscription status it means.
        "statuses": [
            *([str(value), str(label)] for value, label in SubscriptionStatus.choices),
            ["any", str(_("any status"))],
        ],
        **builder_options_extra(request.workspace.pk),
    }


@workspace_view(Perm.AUDIENCE_VIEW)
def segment_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    segment = get_scoped_or_404(Segment, request.workspace, pk=pk) if pk else None
    initial = (
        {"name": segment.name, "description": segment.description, "definition": segment.definition}
        if segment
        else {"definition": {"match": "all", "conditions": []}}
    )
    form = SegmentForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                segment_q(form.cleaned_data["definition"], workspace_id=request.workspace.pk)
            except ValidationError as exc:
                form.add_error(None, segment_error_text(exc))
            else:
                segment = segment or Segment(workspace=request.workspace)
                segment.name = form.cleaned_data["name"]
                segment.description = form.cleaned_data["description"]
                segment.definition = form.cleaned_data["definition"]
                segment_save(segment=segment, user=request.user)
                messages.success(request, _("Segment saved."))
                return redirect("segment_edit", pk=segment.pk)
    definition = form["definition"].value()
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except ValueError:
            definition = {"match": "all", "conditions": []}
    return render(
        request,
        "audience/segment_edit.html",
        {
            "segment": segment,
            "form": form,
            "definition": definition,
            "options": _builder_options(request),
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_VIEW)
@require_POST
def segment_preview(request: WorkspaceRequest) -> HttpResponse:
    """The live count and first matches for a definition being edited (htmx)."""
    context: dict[str, object] = {}
    try:
        definition = json.loads(request.POST.get("definition", "{}"))
        q = segment_q(definition, workspace_id=request.workspace.pk)
    except ValueError:
        context["error"] = _("The definition is not valid JSON.")
    except ValidationError as exc:
        context["error"] = segment_error_text(exc)
    else:
        matching = scoped(Subscriber, request.workspace).filter(q).order_by("-id")
        context["count"], context["exact"] = count_bounded(matching)
        context["sample"] = list(matching[:10])
    return render(request, "audience/_segment_preview.html", context)


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def segment_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    get_scoped_or_404(Segment, request.workspace, pk=pk).delete()
    messages.success(request, _("Segment deleted."))
    return redirect("segment_index")
