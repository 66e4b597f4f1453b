"""Custom fields and the suppression list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.models import Workspace
from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.attribute_indexes import attribute_index_states
from postroom.audience.forms import CustomFieldForm, SuppressionForm
from postroom.audience.models import CustomField, Suppression
from postroom.audience.services import suppressions as suppression_services
from postroom.audience.services.custom_fields import custom_field_delete, custom_field_save
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped


@workspace_view(Perm.AUDIENCE_VIEW)
def field_index(request: WorkspaceRequest) -> HttpResponse:
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                custom_field_save(workspace=request.workspace, **form.values())
            except ValidationError as exc:
                form_add_service_error(form, exc, field_for=_form_field_for)
            else:
                messages.success(request, _("Field added."))
                return redirect("field_index")
    return render(
        request,
        "audience/field_index.html",
        {
            "fields": _fields_with_index_state(request.workspace),
            "form": form,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


def _form_field_for(key: str) -> str:
    return {"choices": "choices_text"}.get(key, key)


@workspace_view(Perm.AUDIENCE_VIEW)
def field_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    field = get_scoped_or_404(CustomField, request.workspace, pk=pk)
    form = CustomFieldForm(request.POST or None, field=field)
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                custom_field_save(workspace=request.workspace, field=field, **form.values())
            except ValidationError as exc:
                field.refresh_from_db()  # the page shows what is stored, not the refused change
                form_add_service_error(form, exc, field_for=_form_field_for)
            else:
                messages.success(request, _("Field saved."))
                return redirect("field_index")
    return render(
        request,
        "audience/field_edit.html",
        {
            "field": field,
            "form": form,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


def _fields_with_index_state(workspace: Workspace) -> list[CustomField]:
    fields = list(scoped(CustomField, workspace))
    states = attribute_index_states(workspace_id=workspace.pk, fields=fields)
    for field in fields:
        field.index_state = states.get(field.pk)  # type: ignore[attr-defined]
    return fields


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def field_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    custom_field_delete(field=get_scoped_or_404(CustomField, request.workspace, pk=pk))
    messages.success(request, _("Field deleted; stored values stay on the subscribers."))
    return redirect("field_index")


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def field_index_toggle(request: WorkspaceRequest, pk: int) -> HttpResponse:
    field = get_scoped_or_404(CustomField, request.workspace, pk=pk)
    try:
        # The state asked for, not a flip: a form sent twice must not undo itself.
        wanted = request.POST.get("indexed") == "1"
        custom_field_save(workspace=request.workspace, field=field, indexed=wanted)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The index is being built; segments use it as soon as it is ready.")
            if field.indexed
            else _("The field is no longer indexed."),
        )
    return redirect("field_index")


@workspace_view(Perm.AUDIENCE_VIEW)
def suppression_index(request: WorkspaceRequest) -> HttpResponse:
    form = SuppressionForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                suppression_services.suppression_add(
                    workspace=request.workspace, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error("value", exc)
            else:
                messages.success(request, _("Suppressed."))
                return redirect("suppression_index")
    entries = scoped(Suppression, request.workspace).order_by("-id")
    search = request.GET.get("q", "").strip().lower()
    if search:
        entries = entries.filter(email__icontains=search) | entries.filter(domain__icontains=search)
    return render(
        request,
        "audience/suppression_index.html",
        {
            "entries": entries[:500],
            "form": form,
            "q": search,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def suppression_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    suppression_services.suppression_remove(
        suppression=get_scoped_or_404(Suppression, request.workspace, pk=pk)
    )
    messages.success(request, _("Removed from the suppression list."))
    return redirect("suppression_index")
