from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.forms import MailingListForm
from postroom.audience.models import MailingList
from postroom.audience.selectors import mailing_lists_counted
from postroom.audience.services import lists as services
from postroom.core.tenancy import get_scoped_or_404, scoped


def _with_counts(workspace: object) -> QuerySet[MailingList]:
    return mailing_lists_counted(scoped(MailingList, workspace))


@workspace_view(Perm.AUDIENCE_VIEW)
def list_index(request: WorkspaceRequest) -> HttpResponse:
    form = MailingListForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            mailing_list = services.mailing_list_create(
                workspace=request.workspace, **form.cleaned_data
            )
            messages.success(request, _("List “%(name)s” created.") % {"name": mailing_list.name})
            return redirect("list_detail", pk=mailing_list.pk)
    return render(
        request,
        "audience/list_index.html",
        {
            "lists": _with_counts(request.workspace),
            "form": form,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_VIEW)
def list_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    mailing_list: MailingList = get_scoped_or_404(
        _with_counts(request.workspace), request.workspace, pk=pk
    )
    form = MailingListForm(request.POST or None, instance=mailing_list)
    if request.method == "POST":
        if not request.membership.has(Perm.AUDIENCE_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            services.mailing_list_update(mailing_list=mailing_list, **form.cleaned_data)
            messages.success(request, _("List saved."))
            return redirect("list_detail", pk=mailing_list.pk)
    return render(
        request,
        "audience/list_detail.html",
        {
            "list": mailing_list,
            "form": form,
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def list_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    mailing_list = get_scoped_or_404(MailingList, request.workspace, pk=pk)
    services.mailing_list_delete(mailing_list=mailing_list)
    messages.success(request, _("List deleted."))
    return redirect("list_index")
