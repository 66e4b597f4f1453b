import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    segment_errors,
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


# Operators as people say them; the builder shows these, the definition keeps the codes.
OP_LABELS = {
    "eq": gettext_lazy("is"),
    "neq": gettext_lazy("is not"),
    "contains": gettext_lazy("contains"),
    "not_contains": gettext_lazy("does not contain"),
    "starts_with": gettext_lazy("starts with"),
    "ends_with": gettext_lazy("ends with"),
    "is_empty": gettext_lazy("is empty"),
    "is_not_empty": gettext_lazy("is not empty"),
    "in": gettext_lazy("is one of"),
    "gt": gettext_lazy("is greater than"),
    "gte": gettext_lazy("is at least"),
    "lt": gettext_lazy("is less than"),
    "lte": gettext_lazy("is at most"),
    "is_true": gettext_lazy("is yes"),
    "is_false": gettext_lazy("is no"),
    "in_list": gettext_lazy("is on the list"),
    "not_in_list": gettext_lazy("is not on the list"),
    "in_last_days": gettext_lazy("in the last N days"),
    "older_than_days": gettext_lazy("more than N days ago"),
    "before": gettext_lazy("before"),
    "after": gettext_lazy("after"),
}
# The same comparisons read as time for date fields.
DATE_OP_LABELS = {
    "eq": gettext_lazy("is on"),
    "neq": gettext_lazy("is not on"),
    "gt": gettext_lazy("is after"),
    "gte": gettext_lazy("is on or after"),
    "lt": gettext_lazy("is before"),
    "lte": gettext_lazy("is on or before"),
}
FIELD_LABELS = {
    "email": gettext_lazy("Email"),
    "external_id": gettext_lazy("External id"),
    "full_name": gettext_lazy("Full name"),
    "comment": gettext_lazy("Comment"),
    "language": gettext_lazy("Language"),
    "time_zone": gettext_lazy("Time zone"),
    "source": gettext_lazy("Signup source"),
    "status": gettext_lazy("Status"),
    "domain": gettext_lazy("Email domain"),
}


def _builder_options(request: WorkspaceRequest) -> dict[str, object]:
    return {
        "fields": [[f, str(FIELD_LABELS[f])] for f in (*SUBSCRIBER_FIELDS, "domain")],
        "opLabels": {op: str(label) for op, label in OP_LABELS.items()},
        "dateOpLabels": {op: str(label) for op, label in DATE_OP_LABELS.items()},
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
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                segment_q(form.cleaned_data["definition"], workspace_id=request.workspace.pk)
            except ValidationError as exc:
                errors = segment_errors(exc)
                form.add_error(None, _("Correct the conditions marked below."))
            else:
                segment = segment_save(
                    workspace=request.workspace,
                    segment=segment,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    definition=form.cleaned_data["definition"],
                )
                messages.success(request, _("Segment saved."))
                return redirect("segment_edit", pk=segment.pk)
        elif "definition" in form.errors:
            errors = {"definition": " ".join(str(e) for e in form.errors["definition"])}
    definition = form["definition"].value()
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except (ValueError, RecursionError):
            definition = None
    if not isinstance(definition, dict) or not isinstance(definition.get("conditions"), list):
        definition = {"match": "all", "conditions": []}  # what the builder can show
    return render(
        request,
        "audience/segment_edit.html",
        {
            "segment": segment,
            "form": form,
            "definition": definition,
            "options": _builder_options(request),
            "errors": errors,
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
    except (ValueError, RecursionError):
        context["errors"] = {"definition": _("The definition is not valid JSON.")}
    except ValidationError as exc:
        # Shown at the faulty conditions by the builder, and as a list here.
        context["errors"] = segment_errors(exc)
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
