"""Pages for the platform's managers: every user, their workspaces, blocking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts import services
from postroom.accounts.forms import BlockForm
from postroom.accounts.models import User
from postroom.accounts.selectors import staff_user_list
from postroom.accounts.workspace import AuthenticatedRequest

_BLOCKED_FILTER = {"yes": True, "no": False}


@login_required
@permission_required("accounts.view_all_users", raise_exception=True)
def staff_user_list_view(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    blocked = _BLOCKED_FILTER.get(request.GET.get("blocked", ""))
    page = Paginator(staff_user_list(search=search, blocked=blocked), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/staff/user_list.html",
        {
            "page": page,
            "q": search,
            "blocked": request.GET.get("blocked", ""),
            "block_form": BlockForm(),
        },
    )


@login_required
@permission_required("accounts.block_user", raise_exception=True)
@require_POST
def staff_user_block(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    # Platform staff act across workspaces; users are not workspace data.
    user = get_object_or_404(User, pk=pk)
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the user is blocked."))
        return redirect("staff_user_list")
    try:
        services.user_block(user=user, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(email)s is blocked.") % {"email": user.email})
    return redirect("staff_user_list")


@login_required
@permission_required("accounts.block_user", raise_exception=True)
@require_POST
def staff_user_unblock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    services.user_unblock(user=user, by=request.user)
    messages.success(request, _("%(email)s is unblocked.") % {"email": user.email})
    return redirect("staff_user_list")
