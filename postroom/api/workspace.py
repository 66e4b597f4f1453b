"""Workspace resolution and role checks for API requests."""

from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.accounts.selectors import membership_default, membership_get

WORKSPACE_HEADER = "X-Workspace"


def api_membership(request: Request) -> Membership:
    """The membership named by the `X-Workspace` header, else the user's default one."""
    cached = getattr(request, "_postroom_membership", None)
    if cached is not None:
        return cached
    requested = request.headers.get(WORKSPACE_HEADER)
    if requested:
        membership = membership_get(user=request.user, workspace_id=requested)  # type: ignore[arg-type]
        if membership is None:
            raise exceptions.PermissionDenied("You are not a member of that workspace.")
    else:
        membership = membership_default(user=request.user)  # type: ignore[arg-type]
        if membership is None:
            raise exceptions.PermissionDenied("You are not a member of any workspace.")
    request._postroom_membership = membership  # type: ignore[attr-defined]
    return membership


class WorkspacePermission(permissions.BasePermission):
    """Allow when the caller's role in the request's workspace grants the view's permission.

    Views set `workspace_perms = {"GET": Perm.X, "POST": Perm.Y, ...}`; methods
    not listed fall back to `workspace_perms["*"]`, then to `workspace.view`.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        perms: dict[str, str] = getattr(view, "workspace_perms", {})
        needed = perms.get(request.method or "GET", perms.get("*", Perm.WORKSPACE_VIEW))
        membership = api_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace  # type: ignore[attr-defined]
        return membership.has(needed)
