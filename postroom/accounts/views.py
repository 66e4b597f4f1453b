from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from postroom.accounts import services
from postroom.accounts.forms import (
    BrowserZoneForm,
    InvitationForm,
    ProfileForm,
    RoleForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
)
from postroom.accounts.invitations import invitation_accept_url
from postroom.accounts.models import Invitation, Membership
from postroom.accounts.roles import Perm, Role
from postroom.accounts.selectors import invitation_open_list, workspace_member_list
from postroom.accounts.workspace import (
    AuthenticatedRequest,
    WorkspaceRequest,
    remember_workspace,
    workspace_view,
)
from postroom.core.selectors import site_url_check
from postroom.core.tenancy import get_scoped_or_404


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "time_zone": user.time_zone or timezone.get_current_timezone_name(),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(
            user=user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    token = Token.objects.filter(user=user).first()
    return render(request, "accounts/profile.html", {"form": form, "token": token})


@login_required
@require_POST
def profile_browser_zone(request: AuthenticatedRequest) -> HttpResponse:
    """The page script's first-visit report of the browser's zone; a zone already set stays."""
    form = BrowserZoneForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Say which time zone."))
    try:
        taken = services.user_time_zone_default(
            user=request.user, time_zone=form.cleaned_data["time_zone"]
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    return HttpResponse(status=204 if taken else 200)


@login_required
@require_POST
def api_token_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, _("A new API token was created; the old one no longer works."))
    return redirect("profile")


@login_required
def workspace_create(request: AuthenticatedRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create(owner=request.user, name=form.cleaned_data["name"])
        remember_workspace(request, workspace.pk)
        messages.success(request, _("Workspace “%(name)s” created.") % {"name": workspace.name})
        return redirect("dashboard")
    return render(request, "accounts/workspace_create.html", {"form": form})


@login_required
@require_POST
def workspace_switch(request: AuthenticatedRequest) -> HttpResponse:
    try:
        membership = services.workspace_switch(
            user=request.user,
            workspace_id=int(request.POST.get("workspace", "0") or 0),
        )
    except (PermissionDenied, ValueError):
        messages.error(request, _("You are not a member of that workspace."))
        return redirect("dashboard")
    remember_workspace(request, membership.workspace_id)
    messages.info(request, _("Now working in “%(name)s”.") % {"name": membership.workspace.name})
    return redirect("dashboard")


@workspace_view(Perm.WORKSPACE_CHANGE)
def workspace_settings(request: WorkspaceRequest) -> HttpResponse:
    form = WorkspaceSettingsForm(
        request.POST or None,
        initial={
            "name": request.workspace.name,
            "campaigns_need_approval": request.workspace.campaigns_need_approval,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.workspace_configure(actor=request.membership, **form.cleaned_data)
        messages.success(request, _("Workspace saved."))
        return redirect("workspace_settings")
    # Links in sent mail point at SITE_URL: say so when this page was reached elsewhere.
    site_url = site_url_check(request_url=request.build_absolute_uri("/"))
    return render(request, "accounts/workspace_settings.html", {"form": form, "site_url": site_url})


@workspace_view()
def member_list(request: WorkspaceRequest) -> HttpResponse:
    actor = request.membership
    can_manage = actor.has(Perm.MEMBERS_MANAGE)
    invite_form = InvitationForm(granter_role=actor.role)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        invite_form = InvitationForm(request.POST, granter_role=actor.role)
        if invite_form.is_valid():
            accept_url = invitation_accept_url(request)
            try:
                services.invitation_create(
                    actor=actor, accept_url=accept_url, **invite_form.cleaned_data
                )
            except ValidationError as exc:
                invite_form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.")
                    % {"email": invite_form.cleaned_data["email"]},
                )
                return redirect("member_list")
    context = {
        "members": workspace_member_list(workspace=actor.workspace),
        "invitations": invitation_open_list(workspace=actor.workspace) if can_manage else [],
        "invite_form": invite_form,
        "can_manage": can_manage,
        "roles": Role.choices,
    }
    return render(request, "accounts/member_list.html", context)


@workspace_view()
@require_POST
def member_change_role(request: WorkspaceRequest, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership, request.workspace, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("member_list")
    try:
        services.membership_change_role(
            actor=request.membership,
            membership=membership,
            role=form.cleaned_data["role"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Role of %(email)s changed.") % {"email": membership.user.email}
        )
    return redirect("member_list")


@workspace_view()
@require_POST
def member_remove(request: WorkspaceRequest, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership, request.workspace, pk=pk)
    leaving = membership.pk == request.membership.pk
    try:
        services.membership_remove(actor=request.membership, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("member_list")
    if leaving:
        messages.info(request, _("You left the workspace."))
        return redirect("dashboard")
    messages.success(request, _("%(email)s was removed.") % {"email": membership.user.email})
    return redirect("member_list")


@workspace_view(Perm.MEMBERS_MANAGE)
@require_POST
def invitation_revoke(request: WorkspaceRequest, pk: int) -> HttpResponse:
    invitation = get_scoped_or_404(Invitation, request.workspace, pk=pk)
    services.invitation_revoke(actor=request.membership, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("member_list")
