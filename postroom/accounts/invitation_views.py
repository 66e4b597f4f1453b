from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from postroom.accounts.invitations import invitation_from_token
from postroom.accounts.models import User
from postroom.accounts.services import invitation_accept as invitation_accept_service
from postroom.accounts.workspace import remember_workspace


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; a signed-in user with the invited address accepts it by POST."""
    invitation = invitation_from_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    error = None
    if request.method == "POST" and isinstance(request.user, User):
        try:
            membership = invitation_accept_service(invitation=invitation, user=request.user)
        except (PermissionDenied, ValidationError) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            remember_workspace(request, membership.workspace_id)
            messages.success(
                request, _("You joined “%(name)s”.") % {"name": invitation.workspace.name}
            )
            return redirect("dashboard")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "error": error, "next": request.get_full_path()},
    )
