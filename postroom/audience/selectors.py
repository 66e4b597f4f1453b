from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from postroom.accounts.models import Workspace
from postroom.audience.emails import EmailDomain
from postroom.audience.models import (
    MailingList,
    Segment,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    Suppression,
)
from postroom.audience.segments import segment_q
from postroom.core.tenancy import scoped

EXACT_COUNT_LIMIT = 10_000


def unsuppressed_q() -> Q:
    """Subscribers whose address and domain are both off their workspace's suppression list.

    Two NOT EXISTS, which PostgreSQL plans as anti-joins with real estimates: NOT
    over an OR of EXISTS is a filter guessed to keep a quarter of the rows, and a
    million-row launch then gets a nested-loop plan.
    """
    same_workspace = Suppression.objects.filter(workspace_id=OuterRef("workspace_id"))
    return ~Q(Exists(same_workspace.filter(email=OuterRef("email")))) & ~Q(
        Exists(same_workspace.filter(domain=EmailDomain(OuterRef("email"))))
    )


def addresses_suppressed(*, workspace_id: int, emails: list[str]) -> list[str]:
    """Those of `emails` (as given) whose address or domain is on the workspace's suppression list."""
    normalized = {email: email.strip().lower() for email in emails}
    domains = {value.rpartition("@")[2] for value in normalized.values()}
    entries = Suppression.objects.filter(workspace_id=workspace_id).filter(
        Q(email__in=set(normalized.values())) | Q(domain__in=domains)
    )
    hits = {value for pair in entries.values_list("email", "domain") for value in pair if value}
    return [
        email for email, value in normalized.items() if {value, value.rpartition("@")[2]} & hits
    ]


def subscriber_list(
    *,
    workspace: Workspace,
    search: str = "",
    list_id: int | None = None,
    status: str = "",
    segment: Segment | None = None,
    subscription_status: str = "",
    email: str | None = None,
    external_id: str | None = None,
) -> QuerySet[Subscriber]:
    """The workspace's subscribers matching the filters, newest first; one query.

    `email` and `external_id` are exact look-ups (each unique in the workspace).
    """
    subscribers = scoped(Subscriber, workspace).order_by("-id")
    if search:
        subscribers = subscribers.filter(
            Q(email__icontains=search.strip())
            | Q(full_name__icontains=search.strip())
            | Q(external_id=search.strip())
        )
    if email is not None:
        subscribers = subscribers.filter(email=email.strip().lower())
    if external_id is not None:
        subscribers = subscribers.filter(external_id=external_id.strip())
    if status:
        subscribers = subscribers.filter(status=status)
    if list_id is not None:
        on_list = Subscription.objects.filter(
            subscriber=OuterRef("pk"), mailing_list_id=list_id, workspace=workspace
        )
        if subscription_status:
            on_list = on_list.filter(status=subscription_status)
        subscribers = subscribers.filter(Exists(on_list))
    if segment is not None:
        subscribers = subscribers.filter(segment_q(segment.definition, workspace_id=workspace.pk))
    return subscribers


def count_bounded(queryset: QuerySet[Any], *, limit: int = EXACT_COUNT_LIMIT) -> tuple[int, bool]:
    """`(count, exact)`: exact up to `limit`, else the planner's estimate (PostgreSQL) or `limit`.

    Counting a million rows on every page view is what makes list pages slow;
    past the limit a user needs an order of magnitude, not the last digit.
    """
    bounded = queryset.order_by()[: limit + 1].count()
    if bounded <= limit:
        return bounded, True
    if connection.vendor == "postgresql":
        sql, params = queryset.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            import json

            plan = json.loads(plan)
        return max(int(plan[0]["Plan"]["Plan Rows"]), limit + 1), False
    return limit + 1, False


def segment_count(*, segment: Segment) -> int:
    return (
        scoped(Subscriber, segment.workspace_id, field="workspace_id")
        .filter(segment_q(segment.definition, workspace_id=segment.workspace_id))
        .count()
    )


def subscriber_subscriptions(*, subscriber: Subscriber) -> QuerySet[Subscription]:
    return subscriber.subscriptions.select_related("mailing_list").prefetch_related("events")


def audience_summary(*, workspace: Workspace) -> dict[str, Any]:
    """Subscriber and list counts for the dashboard (bounded counts: cheap at any size)."""
    subscribers, exact = count_bounded(scoped(Subscriber, workspace))
    return {
        "subscribers": subscribers,
        "subscribers_exact": exact,
        "lists": scoped(MailingList, workspace).count(),
    }


def mailing_lists_counted(lists: QuerySet[MailingList]) -> QuerySet[MailingList]:
    """Lists with their subscribed, unconfirmed and unsubscribed counts, ordered by name."""
    by_status = {
        name: Count("subscriptions", filter=Q(subscriptions__status=status))
        for name, status in (
            ("subscribed", SubscriptionStatus.SUBSCRIBED),
            ("unconfirmed", SubscriptionStatus.UNCONFIRMED),
            ("unsubscribed", SubscriptionStatus.UNSUBSCRIBED),
        )
    }
    return lists.annotate(**by_status).order_by("name", "id")
