"""Customers, contracts and their private documents (sales managers, admins and owners)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.core.tenancy import get_scoped_or_404, scoped
from postroom.crm import selectors
from postroom.crm.documents import contract_document_response
from postroom.crm.forms import ContractForm
from postroom.crm.models import Contract, Customer, Lead
from postroom.crm.services import sales
from postroom.crm.services.catalogue import crm_settings_get


@workspace_view(Perm.CRM_SALES)
@require_POST
def lead_convert(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Sign a contract with a lead: the lead becomes (or joins) a customer."""
    lead = get_scoped_or_404(Lead, request.workspace, pk=pk)
    form = ContractForm(request.POST, request.FILES, workspace=request.workspace)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("crm_lead", pk=lead.pk)
    data = form.cleaned_data
    try:
        contract = sales.contract_create(
            workspace=request.workspace,
            lead=lead,
            name=data["name"],
            service=data["service"],
            amount=data["amount"],
            signed_on=data["signed_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            document=data.get("document"),
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("crm_lead", pk=lead.pk)
    messages.success(request, _("Contract signed: %(name)s is a customer.") % {"name": lead.name})
    return redirect("crm_customer", pk=contract.customer_id)


@workspace_view(Perm.CRM_VIEW)
def customer_list(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "crm/customer_list.html",
        {
            "customers": scoped(Customer, request.workspace)[:500],
            "currency": crm_settings_get(workspace=request.workspace).currency,
        },
    )


@workspace_view(Perm.CRM_VIEW)
def customer_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = get_scoped_or_404(Customer, request.workspace, pk=pk)
    return render(
        request,
        "crm/customer_detail.html",
        {
            "customer": customer,
            "history": selectors.customer_history(customer=customer),
            "currency": crm_settings_get(workspace=request.workspace).currency,
            "can_sell": request.membership.has(Perm.CRM_SALES),
        },
    )


@workspace_view(Perm.CRM_SALES)
@require_POST
def contract_delete_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contract = get_scoped_or_404(Contract, request.workspace, pk=pk)
    customer_id = contract.customer_id
    sales.contract_delete(contract=contract)
    messages.success(request, _("Contract deleted."))
    return redirect("crm_customer", pk=customer_id)


@workspace_view(Perm.CRM_SALES)
def contract_document(request: WorkspaceRequest, pk: int) -> FileResponse:
    """The contract's PDF, shown inline (the browser's PDF preview) to sales roles only.

    Found by workspace and id, then by a random file name only the database knows:
    there is no URL under which the file itself could be guessed.
    """
    contract = get_scoped_or_404(Contract, request.workspace, pk=pk)
    return contract_document_response(contract, as_attachment=request.GET.get("download") == "1")
