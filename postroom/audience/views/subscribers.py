from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience import exports
from postroom.audience.forms import SubscriberForm
from postroom.audience.models import CustomField, MailingList, Segment, Subscriber, SubscriberStatus
from postroom.audience.selectors import count_bounded, subscriber_subscriptions
from postroom.audience.services import subscribers as services
from postroom.audience.services.bulk import BulkAction, subscribers_bulk
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tasks import subscribers_bulk_process
from postroom.audience.views.filters import request_filter
from postroom.core.forms import form_add_service_error
from postroom.core.tenancy import get_scoped_or_404, scoped

PAGE = 50


@workspace_view(Perm.AUDIENCE_VIEW)
def subscriber_list(request: WorkspaceRequest) -> HttpResponse:
    """Newest first, paged by id (keyset): as fast on page 1,000 as on page 1."""
    chosen = request_filter(request)
    subscribers = chosen.queryset(request.workspace)
    before = request.GET.get("before", "")
    page_qs = subscribers.filter(pk__lt=int(before)) if before.isdigit() else subscribers
    rows = list(page_qs[: PAGE + 1])
    count, exact = count_bounded(subscribers)
    context = {
        "subscribers": rows[:PAGE],
        "next_before": rows[PAGE - 1].pk if len(rows) > PAGE else None,
        "first_page": not before,
        "count": count,
        "count_exact": exact,
        "filter": chosen,
        "filter_query": chosen.querystring(),
        "lists": scoped(MailingList, request.workspace),
        "segments": scoped(Segment, request.workspace),
        "statuses": SubscriberStatus.choices,
        "bulk_actions": _bulk_choices(),
        "custom_fields": scoped(CustomField, request.workspace),
        "export_columns": exports.PLAIN_COLUMNS,
        "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
    }
    return render(request, "audience/subscriber_list.html", context)


def _bulk_choices() -> list[tuple[str, str]]:
    return [
        (BulkAction.ADD_TO_LIST, _("Add to list")),
        (BulkAction.REMOVE_FROM_LIST, _("Remove from list")),
        (BulkAction.UNSUBSCRIBE, _("Unsubscribe")),
        (BulkAction.BLOCKLIST, _("Blocklist")),
        (BulkAction.DELETE, _("Delete")),
    ]


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def subscriber_bulk(request: WorkspaceRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    if action not in BulkAction.ALL:
        raise PermissionDenied
    target = request.POST.get("target_list", "")
    mailing_list = (
        get_scoped_or_404(MailingList, request.workspace, pk=target) if target.isdigit() else None
    )
    if action in BulkAction.NEEDS_LIST and mailing_list is None:
        messages.error(request, _("Choose a list for this action."))
        return redirect(_back(request))
    chosen = request_filter(request)
    chosen.queryset(request.workspace)  # 404 for a segment or list of another workspace
    if request.POST.get("scope") == "all":
        workspace_id, list_id = request.workspace.pk, mailing_list.pk if mailing_list else None
        transaction.on_commit(
            lambda: subscribers_bulk_process(workspace_id, chosen.as_task_args(), action, list_id)
        )
        messages.info(
            request, _("The action runs in the background over all matching subscribers.")
        )
        return redirect(_back(request))
    ids = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
    selected = scoped(Subscriber, request.workspace).filter(pk__in=ids)
    done = subscribers_bulk(subscribers=selected, action=action, mailing_list=mailing_list)
    messages.success(request, _("Done for %(n)s subscribers.") % {"n": done})
    return redirect(_back(request))


def _back(request: WorkspaceRequest) -> str:
    query = request_filter(request).querystring()
    return reverse("subscriber_list") + (f"?{query}" if query else "")


@workspace_view(Perm.AUDIENCE_VIEW)
def subscriber_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    chosen = request_filter(request)
    names = scoped(CustomField, request.workspace).values_list("name", flat=True)
    columns = exports.export_columns_clean(request.GET.getlist("columns"), list(names))
    response = StreamingHttpResponse(
        exports.subscribers_csv(chosen.queryset(request.workspace), columns),
        content_type="text/csv",
    )
    response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
    return response


@workspace_view(Perm.AUDIENCE_CHANGE)
def subscriber_create(request: WorkspaceRequest) -> HttpResponse:
    fields = list(scoped(CustomField, request.workspace))
    form = SubscriberForm(request.POST or None, fields=fields, initial={"status": "active"})
    lists = scoped(MailingList, request.workspace)
    if request.method == "POST" and form.is_valid():
        chosen = lists.filter(pk__in=[i for i in request.POST.getlist("lists") if i.isdigit()])
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("attr_")}
        try:
            subscriber = services.subscriber_create(
                workspace=request.workspace, attributes=form.attributes(), lists=chosen, **data
            )
        except ValidationError as exc:
            form_add_service_error(form, exc, field_for=lambda k: k.replace("attributes.", "attr_"))
        else:
            messages.success(request, _("Subscriber added."))
            return redirect("subscriber_detail", pk=subscriber.pk)
    return render(request, "audience/subscriber_form.html", {"form": form, "lists": lists})


@workspace_view(Perm.AUDIENCE_VIEW)
def subscriber_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    subscriber = get_scoped_or_404(Subscriber, request.workspace, pk=pk)
    fields = list(scoped(CustomField, request.workspace))
    can_change = request.membership.has(Perm.AUDIENCE_CHANGE)
    initial = {
        "email": subscriber.email or "",
        "external_id": subscriber.external_id or "",
        "full_name": subscriber.full_name,
        "comment": subscriber.comment,
        "time_zone": subscriber.time_zone,
        "language": subscriber.language,
        "status": subscriber.status,
        **{f"attr_{f.name}": subscriber.attributes.get(f.name) for f in fields},
    }
    form = SubscriberForm(request.POST or None, fields=fields, initial=initial)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("attr_")}
            try:
                services.subscriber_update(
                    subscriber=subscriber, attributes=form.attributes(), **data
                )
            except ValidationError as exc:
                form_add_service_error(
                    form, exc, field_for=lambda k: k.replace("attributes.", "attr_")
                )
            else:
                messages.success(request, _("Subscriber saved."))
                return redirect("subscriber_detail", pk=subscriber.pk)
    subscriptions = subscriber_subscriptions(subscriber=subscriber)
    on_lists = {s.mailing_list_id for s in subscriptions}
    context = {
        "subscriber": subscriber,
        "form": form,
        "subscriptions": subscriptions,
        "other_lists": scoped(MailingList, request.workspace).exclude(pk__in=on_lists),
        "can_change": can_change,
    }
    return render(request, "audience/subscriber_detail.html", context)


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def subscriber_subscription(request: WorkspaceRequest, pk: int) -> HttpResponse:
    subscriber = get_scoped_or_404(Subscriber, request.workspace, pk=pk)
    mailing_list = get_scoped_or_404(
        MailingList, request.workspace, pk=request.POST.get("list", "0")
    )
    status = request.POST.get("status", "")
    if status not in ("subscribed", "unsubscribed", "unconfirmed"):
        raise PermissionDenied
    subscription_set(
        subscriber=subscriber, mailing_list=mailing_list, status=status, source="admin"
    )
    messages.success(request, _("Subscription updated."))
    return redirect("subscriber_detail", pk=subscriber.pk)


@workspace_view(Perm.AUDIENCE_CHANGE)
@require_POST
def subscriber_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    subscriber = get_scoped_or_404(Subscriber, request.workspace, pk=pk)
    services.subscriber_delete(subscriber=subscriber)
    messages.success(request, _("Subscriber deleted."))
    return redirect("subscriber_list")
