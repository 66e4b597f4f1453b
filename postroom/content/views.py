from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.models import Subscriber
from postroom.audience.selectors import subscriber_list
from postroom.content import services
from postroom.content.forms import BlockForm, LayoutForm, MessageForm, TestSendForm
from postroom.content.models import ContentBlock, Layout, Message, MessageKind
from postroom.content.previews import message_preview
from postroom.content.templating import SecurityError, TemplateError
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped


@workspace_view()
def message_list(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "content/message_list.html",
        {
            "messages_": scoped(Message, request.workspace),
            "can_change": request.membership.has(Perm.CONTENT_CHANGE),
        },
    )


@workspace_view()
def message_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    message = get_scoped_or_404(Message, request.workspace, pk=pk) if pk else None
    kind = request.GET.get("kind")  # "New transactional template" starts with its kind chosen
    initial = {"kind": kind} if message is None and kind in MessageKind.values else None
    form = MessageForm(
        request.POST or None, instance=message, workspace=request.workspace, initial=initial
    )
    if request.method == "POST":
        if not request.membership.has(Perm.CONTENT_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                message = services.message_save(
                    workspace=request.workspace,
                    message=message,
                    user=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Message saved."))
                return redirect("message_edit", pk=message.pk)
    return render(
        request,
        "content/message_edit.html",
        {
            "message": message,
            "form": form,
            "test_form": TestSendForm(),
            "can_change": request.membership.has(Perm.CONTENT_CHANGE),
        },
    )


@workspace_view()
def message_preview_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The rendered message as the chosen subscriber receives it (htmx target)."""
    message = get_scoped_or_404(Message, request.workspace, pk=pk)
    chosen = request.GET.get("subscriber", "")
    subscriber = (
        get_scoped_or_404(Subscriber, request.workspace, pk=chosen) if chosen.isdigit() else None
    )
    context: dict[str, object] = {"width": 375 if request.GET.get("width") == "mobile" else 680}
    try:
        context["rendered"] = message_preview(
            message=message, subscriber=subscriber, base_url=request.build_absolute_uri("/")[:-1]
        )
    except (SecurityError, TemplateError) as exc:
        context["error"] = str(exc)
    return render(request, "content/_preview.html", context)


RECIPIENT_RESULTS = 10


@workspace_view()
def message_recipients(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Subscribers of the workspace to preview a message as, by address or name (htmx)."""
    message = get_scoped_or_404(Message, request.workspace, pk=pk)
    query = request.GET.get("q", "").strip()[:254]
    results = (
        list(subscriber_list(workspace=request.workspace, search=query)[:RECIPIENT_RESULTS])
        if query
        else []
    )
    return render(
        request,
        "content/_recipient_results.html",
        {"message": message, "results": results, "q": query},
    )


@workspace_view()
def library(request: WorkspaceRequest) -> HttpResponse:
    """Layouts and content blocks of the workspace."""
    can_change = request.membership.has(Perm.CONTENT_CHANGE)
    layout_form, block_form = LayoutForm(prefix="layout"), BlockForm(prefix="block")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        kind = request.POST.get("kind")
        form = (
            LayoutForm(request.POST, prefix="layout")
            if kind == "layout"
            else BlockForm(request.POST, prefix="block")
        )
        if form.is_valid():
            try:
                if kind == "layout":
                    services.layout_save(workspace=request.workspace, **form.cleaned_data)
                else:
                    services.block_save(workspace=request.workspace, **form.cleaned_data)
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Saved to the library."))
                return redirect("content_library")
        if kind == "layout":
            layout_form = form  # type: ignore[assignment]
        else:
            block_form = form  # type: ignore[assignment]
    return render(
        request,
        "content/library.html",
        {
            "layouts": scoped(Layout, request.workspace),
            "blocks": scoped(ContentBlock, request.workspace),
            "layout_form": layout_form,
            "block_form": block_form,
            "can_change": can_change,
        },
    )


@workspace_view()
def library_edit(request: WorkspaceRequest, kind: str, pk: int) -> HttpResponse:
    """Change one layout or block; messages using it pick the change up on their next render."""
    if kind == "layout":
        layout = get_scoped_or_404(Layout, request.workspace, pk=pk)
        form: LayoutForm | BlockForm = LayoutForm(request.POST or None, instance=layout)
        item: Layout | ContentBlock = layout
    else:
        block = get_scoped_or_404(ContentBlock, request.workspace, pk=pk)
        form = BlockForm(request.POST or None, instance=block)
        item = block
    if request.method == "POST":
        if not request.membership.has(Perm.CONTENT_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                if kind == "layout":
                    services.layout_save(
                        workspace=request.workspace, layout=layout, **form.cleaned_data
                    )
                else:
                    services.block_save(
                        workspace=request.workspace, block=block, **form.cleaned_data
                    )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Saved to the library."))
                return redirect("content_library")
    return render(request, "content/library_edit.html", {"form": form, "item": item, "kind": kind})


@workspace_view(Perm.CONTENT_CHANGE)
@require_POST
def library_delete(request: WorkspaceRequest, kind: str, pk: int) -> HttpResponse:
    item: Layout | ContentBlock = (
        get_scoped_or_404(Layout, request.workspace, pk=pk)
        if kind == "layout"
        else get_scoped_or_404(ContentBlock, request.workspace, pk=pk)
    )
    services.library_item_delete(item=item)
    messages.success(request, _("Deleted."))
    return redirect("content_library")


@workspace_view()
def message_links(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """GET: the latest link report of the current version (htmx); POST: check the links again."""
    message = get_scoped_or_404(Message, request.workspace, pk=pk)
    if request.method == "POST":
        if not request.membership.has(Perm.CONTENT_CHANGE):
            raise PermissionDenied
        services.message_links_check_start(message=message)
        messages.info(request, _("Checking the links…"))
        return redirect("message_edit", pk=message.pk)
    check = message.link_checks.filter(version=message.version).first()
    return render(request, "content/_links.html", {"message": message, "check": check})
