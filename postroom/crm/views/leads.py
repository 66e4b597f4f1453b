"""Leads: the filtered list (live with htmx), a lead's page with its timeline, notes and merges."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404
from postroom.crm import selectors
from postroom.crm.forms import ContractForm, LeadFilterForm, LeadForm, NoteForm
from postroom.crm.models import Lead
from postroom.crm.services import leads
from postroom.crm.services.leads import UTM_FIELDS, Utm

PAGE_SIZE = 50


@workspace_view(Perm.CRM_VIEW)
def lead_list(request: WorkspaceRequest) -> HttpResponse:
    form = LeadFilterForm(request.GET or None, workspace=request.workspace)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.lead_list(
        workspace=request.workspace,
        status=filters.get("status", ""),
        ad_campaign_id=filters["ad_campaign"].pk if filters.get("ad_campaign") else None,
        duplicates=bool(filters.get("duplicates")),
        search=filters.get("search", ""),
    )
    page = request.GET.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    window = list(rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "leads": window[:PAGE_SIZE],
        "page": number,
        "has_next": len(window) > PAGE_SIZE,
        "query": query.urlencode(),
        "can_change": request.membership.has(Perm.CRM_LEADS),
    }
    template = "crm/_lead_rows.html" if request.headers.get("HX-Request") else "crm/lead_list.html"
    return render(request, template, context)


def _utm(data: dict[str, str]) -> Utm:
    return Utm(**{name[4:]: data.get(name, "") or "" for name in UTM_FIELDS})


def _lead_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What the lead form sets, as the create and update services name it."""
    names = ("name", "email", "phone", "company", "ad_campaign", "status", "owner", "notes")
    return {**{name: data[name] for name in names}, "utm": _utm(data)}


@workspace_view(Perm.CRM_LEADS)
def lead_create_view(request: WorkspaceRequest) -> HttpResponse:
    form = LeadForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lead = leads.lead_create(
                workspace=request.workspace, user=request.user, **_lead_fields(data)
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Lead saved."))
            return redirect("crm_lead", pk=lead.pk)
    return render(request, "crm/lead_form.html", {"form": form})


@workspace_view(Perm.CRM_VIEW)
def lead_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    lead = get_scoped_or_404(
        Lead.objects.select_related(
            "ad_campaign", "owner", "customer", "duplicate_of", "email_campaign", "subscriber"
        ),
        request.workspace,
        pk=pk,
    )
    form = LeadForm(request.POST or None, instance=lead, workspace=request.workspace)
    today = timezone.now().date()
    if request.method == "POST":
        if not request.membership.has(Perm.CRM_LEADS):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                leads.lead_update(lead=lead, user=request.user, **_lead_fields(data))
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Lead saved."))
                return redirect("crm_lead", pk=lead.pk)
        lead.refresh_from_db()
    return render(
        request,
        "crm/lead_detail.html",
        {
            "lead": lead,
            "form": form,
            "events": lead.events.select_related("user"),
            "contracts": lead.contracts.select_related("service"),
            "duplicates": lead.duplicates.all()[:20],
            "note_form": NoteForm(),
            "contract_form": ContractForm(
                workspace=request.workspace,
                initial={"name": lead.company or lead.name, "signed_on": today, "starts_on": today},
            ),
            "can_change": request.membership.has(Perm.CRM_LEADS),
            "can_sell": request.membership.has(Perm.CRM_SALES),
        },
    )


@workspace_view(Perm.CRM_LEADS)
@require_POST
def lead_note(request: WorkspaceRequest, pk: int) -> HttpResponse:
    lead = get_scoped_or_404(Lead, request.workspace, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        leads.lead_note_add(lead=lead, user=request.user, text=form.cleaned_data["text"])
    else:
        messages.error(request, _("Write the note first."))
    return redirect("crm_lead", pk=lead.pk)


@workspace_view(Perm.CRM_LEADS)
@require_POST
def lead_merge_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Fold the lead named in the form into this one."""
    keep = get_scoped_or_404(Lead, request.workspace, pk=pk)
    other_id = request.POST.get("other", "")
    other = get_scoped_or_404(Lead, request.workspace, pk=other_id if other_id.isdigit() else 0)
    try:
        leads.lead_merge(keep=keep, other=other, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Leads merged."))
    return redirect("crm_lead", pk=keep.pk)


@workspace_view(Perm.CRM_LEADS)
@require_POST
def lead_delete_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    leads.lead_delete(lead=get_scoped_or_404(Lead, request.workspace, pk=pk))
    messages.success(request, _("Lead deleted."))
    return redirect("crm_lead_list")
