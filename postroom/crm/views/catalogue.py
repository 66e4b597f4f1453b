"""Services and advertising campaigns with their spend (marketers change, every member reads)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped
from postroom.crm.forms import (
    AdCampaignForm,
    CrmSettingsForm,
    ServiceForm,
    SpendForm,
    SpendImportForm,
)
from postroom.crm.models import AdCampaign, Service, SpendEntry
from postroom.crm.services import catalogue

SPEND_UPLOAD_MAX_BYTES = 5 * 2**20


def _can_market(request: WorkspaceRequest) -> bool:
    return request.membership.has(Perm.CRM_MARKETING)


@workspace_view(Perm.CRM_VIEW)
def service_list(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    service = get_scoped_or_404(Service, request.workspace, pk=pk) if pk else None
    form = ServiceForm(request.POST or None, instance=service, workspace=request.workspace)
    settings = catalogue.crm_settings_get(workspace=request.workspace)
    if request.method == "POST":
        if not _can_market(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                catalogue.service_save(
                    workspace=request.workspace, service=service, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Service saved."))
                return redirect("crm_service_list")
    return render(
        request,
        "crm/service_list.html",
        {
            "services": scoped(Service, request.workspace),
            "form": form,
            "editing": service,
            "currency": settings.currency,
            "settings_form": CrmSettingsForm(instance=settings, workspace=request.workspace),
            "can_change": _can_market(request),
            "can_configure": request.membership.has(Perm.WORKSPACE_CHANGE),
        },
    )


@workspace_view(Perm.WORKSPACE_CHANGE)
@require_POST
def crm_settings(request: WorkspaceRequest) -> HttpResponse:
    form = CrmSettingsForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        catalogue.crm_settings_save(workspace=request.workspace, **form.cleaned_data)
        messages.success(request, _("Currency saved."))
    else:
        messages.error(request, _("Choose a currency from the list."))
    return redirect("crm_service_list")


@workspace_view(Perm.CRM_MARKETING)
@require_POST
def service_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    service = get_scoped_or_404(Service, request.workspace, pk=pk)
    try:
        catalogue.service_delete(service=service)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Service deleted."))
    return redirect("crm_service_list")


@workspace_view(Perm.CRM_VIEW)
def ad_campaign_list(request: WorkspaceRequest) -> HttpResponse:
    form = AdCampaignForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST":
        if not _can_market(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                ad = catalogue.ad_campaign_save(workspace=request.workspace, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Advertising campaign saved."))
                return redirect("crm_ad_campaign", pk=ad.pk)
    return render(
        request,
        "crm/ad_campaign_list.html",
        {
            "campaigns": scoped(AdCampaign, request.workspace).select_related("service"),
            "form": form,
            "currency": catalogue.crm_settings_get(workspace=request.workspace).currency,
            "can_change": _can_market(request),
        },
    )


@workspace_view(Perm.CRM_VIEW)
def ad_campaign_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    ad = get_scoped_or_404(AdCampaign.objects.select_related("service"), request.workspace, pk=pk)
    form = AdCampaignForm(request.POST or None, instance=ad, workspace=request.workspace)
    if request.method == "POST":
        if not _can_market(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                catalogue.ad_campaign_save(
                    workspace=request.workspace, ad_campaign=ad, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Advertising campaign saved."))
                return redirect("crm_ad_campaign", pk=ad.pk)
    ad.refresh_from_db()
    form_url = request.build_absolute_uri(f"/f/{ad.form_id}/")
    return render(
        request,
        "crm/ad_campaign_detail.html",
        {
            "ad": ad,
            "form": form,
            "spend": ad.spend.all()[:200],
            "spend_form": SpendForm(),
            "import_form": SpendImportForm(),
            "form_url": form_url,
            "currency": catalogue.crm_settings_get(workspace=request.workspace).currency,
            "can_change": _can_market(request),
        },
    )


@workspace_view(Perm.CRM_MARKETING)
@require_POST
def spend_add_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    ad = get_scoped_or_404(AdCampaign, request.workspace, pk=pk)
    form = SpendForm(request.POST)
    if form.is_valid():
        catalogue.spend_add(ad_campaign=ad, **form.cleaned_data)
        messages.success(request, _("Spend added."))
    else:
        messages.error(request, _("Enter a date and an amount that is not negative."))
    return redirect("crm_ad_campaign", pk=ad.pk)


@workspace_view(Perm.CRM_MARKETING)
@require_POST
def spend_delete_view(request: WorkspaceRequest, pk: int, entry: int) -> HttpResponse:
    ad = get_scoped_or_404(AdCampaign, request.workspace, pk=pk)
    catalogue.spend_delete(
        entry=get_scoped_or_404(SpendEntry, request.workspace, pk=entry, ad_campaign=ad)
    )
    messages.success(request, _("Spend entry deleted."))
    return redirect("crm_ad_campaign", pk=ad.pk)


@workspace_view(Perm.CRM_MARKETING)
@require_POST
def spend_import_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    ad = get_scoped_or_404(AdCampaign, request.workspace, pk=pk)
    form = SpendImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file."))
        return redirect("crm_ad_campaign", pk=ad.pk)
    upload = form.cleaned_data["file"]
    if upload.size > SPEND_UPLOAD_MAX_BYTES:
        messages.error(request, _("The file is larger than 5 MB."))
        return redirect("crm_ad_campaign", pk=ad.pk)
    result = catalogue.spend_import(ad_campaign=ad, data=upload.read())
    messages.success(request, _("%(n)s spend entries imported.") % {"n": result.created})
    for line, message in result.errors[:50]:
        messages.error(
            request, _("Line %(line)s: %(message)s") % {"line": line, "message": message}
        )
    return redirect("crm_ad_campaign", pk=ad.pk)
