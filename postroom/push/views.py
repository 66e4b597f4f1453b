"""Pages of the push app: devices, creatives (with a live preview), providers and registration keys."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped
from postroom.push import selectors
from postroom.push.forms import CreativeForm, ProviderForm, RegistrationKeyForm
from postroom.push.models import (
    Creative,
    Device,
    DeviceKind,
    ProviderKind,
    PushProvider,
    RegistrationKey,
)
from postroom.push.services import creatives as creative_services
from postroom.push.services import devices as device_services
from postroom.push.services import keys as key_services
from postroom.push.services import providers as provider_services


@workspace_view(Perm.AUDIENCE_VIEW)
def device_index(request: WorkspaceRequest) -> HttpResponse:
    devices = scoped(selectors.device_list(params=request.GET), request.workspace).select_related(
        "subscriber"
    )
    page = Paginator(devices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "push/device_index.html",
        {
            "page": page,
            "kinds": DeviceKind.choices,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def device_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    device_services.device_delete(device=get_scoped_or_404(Device, request.workspace, pk=pk))
    messages.success(request, _("Device deleted."))
    return redirect("push_device_index")


@workspace_view()
def creative_index(request: WorkspaceRequest) -> HttpResponse:
    creatives = scoped(Creative, request.workspace)
    return render(
        request,
        "push/creative_index.html",
        {"creatives": creatives, "can_change": request.membership.has(Perm.CONTENT_CHANGE)},
    )


@workspace_view(Perm.CONTENT_CHANGE)
def creative_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    creative = get_scoped_or_404(Creative, request.workspace, pk=pk) if pk else None
    form = CreativeForm(request.POST or None, instance=creative)
    if request.method == "POST" and form.is_valid():
        try:
            creative_services.creative_save(
                workspace=request.workspace,
                creative=Creative.objects.get(pk=creative.pk) if creative else None,
                fields=form.cleaned_data,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Creative saved."))
            return redirect("push_creative_index")
    preview = selectors.creative_preview(creative) if creative else None
    return render(
        request, "push/creative_edit.html", {"form": form, "creative": creative, "preview": preview}
    )


@workspace_view(Perm.CONTENT_CHANGE)
@require_POST
def creative_preview(request: WorkspaceRequest) -> HttpResponse:
    """The phone and desktop cards for the form as typed (htmx), without saving anything."""
    form = CreativeForm(request.POST)
    form.is_valid()
    draft = Creative(
        workspace=request.workspace, **{k: v for k, v in form.cleaned_data.items() if k != "name"}
    )
    return render(request, "push/_preview.html", {"preview": selectors.creative_preview(draft)})


@workspace_view(Perm.CONTENT_CHANGE)
@require_POST
def creative_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    try:
        creative_services.creative_delete(
            creative=get_scoped_or_404(Creative, request.workspace, pk=pk)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Creative deleted."))
    return redirect("push_creative_index")


@workspace_view(Perm.RELAY_MANAGE)
def provider_index(request: WorkspaceRequest) -> HttpResponse:
    configured = {p.kind: p for p in scoped(PushProvider, request.workspace)}
    keys = scoped(RegistrationKey, request.workspace)
    return render(
        request,
        "push/provider_index.html",
        {
            "providers": [
                (kind, label, configured.get(kind)) for kind, label in ProviderKind.choices
            ],
            "keys": keys,
            "key_form": RegistrationKeyForm(),
            "active_key": keys.filter(is_active=True).first(),
        },
    )


@workspace_view(Perm.RELAY_MANAGE)
def provider_edit(request: WorkspaceRequest, kind: str) -> HttpResponse:
    if kind not in ProviderKind.values:
        raise Http404
    provider = scoped(PushProvider, request.workspace).filter(kind=kind).first()
    form = ProviderForm(request.POST or None, instance=provider, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            saved = provider_services.provider_save(
                workspace=request.workspace,
                provider=PushProvider.objects.get(pk=provider.pk) if provider else None,
                kind=kind,
                secret=form.cleaned_data["secret"] or None,
                fields=form.settings(),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            generated = getattr(saved, "generated_secret", None)
            if generated:
                messages.info(request, _("Signing secret (shown once): %(s)s") % {"s": generated})
            messages.success(request, _("Provider settings saved."))
            return redirect("push_provider_index")
    label = ProviderKind(kind).label
    return render(
        request, "push/provider_edit.html", {"form": form, "provider": provider, "label": label}
    )


@workspace_view(Perm.RELAY_MANAGE)
@require_POST
def provider_delete(request: WorkspaceRequest, kind: str) -> HttpResponse:
    provider = get_scoped_or_404(PushProvider, request.workspace, kind=kind)
    provider_services.provider_delete(provider=provider)
    messages.success(request, _("Provider settings deleted."))
    return redirect("push_provider_index")


@workspace_view(Perm.RELAY_MANAGE)
@require_POST
def key_create(request: WorkspaceRequest) -> HttpResponse:
    form = RegistrationKeyForm(request.POST)
    if form.is_valid():
        _key, raw = key_services.registration_key_create(
            workspace=request.workspace, name=form.cleaned_data["name"]
        )
        messages.info(request, _("Registration key (shown once): %(k)s") % {"k": raw})
    return redirect("push_provider_index")


@workspace_view(Perm.RELAY_MANAGE)
@require_POST
def key_revoke(request: WorkspaceRequest, pk: int) -> HttpResponse:
    key_services.registration_key_revoke(
        key=get_scoped_or_404(RegistrationKey, request.workspace, pk=pk)
    )
    messages.success(request, _("Key revoked."))
    return redirect("push_provider_index")
