"""Which workspace a web request acts in, and the guard every workspace view wears."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.accounts.selectors import membership_default

_UNSET = object()


def request_membership(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership of their current workspace (cached per request)."""
    cached = getattr(request, "_postroom_membership", _UNSET)
    if cached is _UNSET:
        user = request.user
        cached = membership_default(user=user) if user.is_authenticated else None  # type: ignore[arg-type]
        request._postroom_membership = cached  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]


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
            request.membership = membership  # type: ignore[attr-defined]
            request.workspace = membership.workspace  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
