"""Which workspace a web request acts in, and the guard every workspace view wears."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from postroom.accounts.models import Membership, User, Workspace
from postroom.accounts.roles import Perm
from postroom.accounts.selectors import membership_default, membership_get

_CACHE_ATTR = "_postroom_membership"
SESSION_KEY = "postroom_workspace_id"


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind `login_required`."""

    user: User


class WorkspaceRequest(AuthenticatedRequest):
    """The request type of views behind `workspace_view`."""

    membership: Membership
    workspace: Workspace


def request_membership(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership of their current workspace (cached per request)."""
    if hasattr(request, _CACHE_ATTR):
        cached: Membership | None = getattr(request, _CACHE_ATTR)
        return cached
    user = request.user
    membership = None
    if isinstance(user, User):
        membership = membership_get(user=user, workspace_id=request.session.get(SESSION_KEY))
        if membership is None:
            membership = membership_default(user=user)
            remember_workspace(request, membership.workspace_id if membership else None)
    setattr(request, _CACHE_ATTR, membership)
    return membership


def remember_workspace(request: HttpRequest, workspace_id: int | None) -> None:
    """Keep this browser session in `workspace_id` (other sessions are not affected)."""
    if workspace_id is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = workspace_id
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)


def workspace_view(perm: str = Perm.WORKSPACE_VIEW) -> Callable[..., Any]:
    """Require a signed-in member whose role grants `perm`.

    The view finds `request.membership` and `request.workspace` set, and must
    fetch every customer object through `postroom.core.tenancy` with that workspace.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = request_membership(request)
            if membership is None:
                return redirect("workspace_create")
            if not membership.has(perm):
                raise PermissionDenied
            setattr(request, "membership", membership)  # noqa: B010
            setattr(request, "workspace", membership.workspace)  # noqa: B010
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
