"""Workspace resolution and role checks for API requests (every app's `apis.py` uses them)."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Perm
from postroom.accounts.selectors import membership_default, membership_get
from postroom.core.tenancy import scoped

WORKSPACE_HEADER = "X-Workspace"
_CACHE_ATTR = "_postroom_membership"


def request_user(request: Request) -> User:
    """The authenticated caller (views behind IsAuthenticated only)."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated
    return user


def api_membership(request: Request) -> Membership:
    """The membership named by the `X-Workspace` header, else the user's default one.

    Every workspace-scoped API view reads its workspace from here.
    """
    cached: Membership | None = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    user = request_user(request)
    requested = request.headers.get(WORKSPACE_HEADER)
    if requested:
        membership = membership_get(user=user, workspace_id=requested)
        if membership is None:
            raise exceptions.PermissionDenied("You are not a member of that workspace.")
    else:
        membership = membership_default(user=user)
        if membership is None:
            raise exceptions.PermissionDenied("You are not a member of any workspace.")
    setattr(request, _CACHE_ATTR, membership)
    return membership


class WorkspacePermission(permissions.BasePermission):
    """Allow when the caller's role in the request's workspace grants the view's permission.

    Views set `workspace_perms = {"GET": Perm.X, "POST": Perm.Y, ...}`; methods
    not listed fall back to `workspace_perms["*"]`, then to `workspace.view`.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.user, User):
            return False
        perms: dict[str, str] = getattr(view, "workspace_perms", {})
        needed = perms.get(request.method or "GET", perms.get("*", Perm.WORKSPACE_VIEW))
        return api_membership(request).has(needed)


class WorkspaceViewSet(viewsets.GenericViewSet):
    """A viewset over one workspace's rows of `model`, read and write guarded by role.

    Subclasses set `model`, `read_perm` and `write_perm`; `get_queryset` goes
    through the scoping helper, so ids of other workspaces are not found.
    """

    model: Any = None
    read_perm: str = Perm.WORKSPACE_VIEW
    write_perm: str = Perm.WORKSPACE_CHANGE
    permission_classes = (permissions.IsAuthenticated, WorkspacePermission)

    @property
    def workspace_perms(self) -> dict[str, str]:
        read = self.read_perm
        return {"GET": read, "HEAD": read, "OPTIONS": read, "*": self.write_perm}

    @property
    def workspace(self) -> Any:
        return api_membership(self.request).workspace

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Filters go to the database as they come; PostgreSQL refuses a NUL in
        # text (a DataError, a 500), so no query parameter may hold one.
        if any("\x00" in value for value in request.query_params.values()):
            raise exceptions.ValidationError(
                {"query": [_("Query parameters cannot contain NUL characters.")]}
            )
        super().initial(request, *args, **kwargs)

    def base_queryset(self) -> Any:
        return self.model._default_manager.all()

    def get_serializer_context(self) -> dict[str, Any]:
        # Related ids in request bodies are looked up in this workspace only.
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and isinstance(self.request.user, User):
            context["workspace"] = self.workspace
        return context

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return scoped(self.base_queryset(), self.workspace)
