"""Actions on many subscribers at once, in chunks of ids (never one query per subscriber)."""

from collections.abc import Iterator

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from postroom.audience.models import (
    MailingList,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionEvent,
    SubscriptionSource,
    SubscriptionStatus,
)

CHUNK = 2_000


class BulkAction:
    ADD_TO_LIST = "add_to_list"
    REMOVE_FROM_LIST = "remove_from_list"
    UNSUBSCRIBE = "unsubscribe"
    BLOCKLIST = "blocklist"
    DELETE = "delete"
    NEEDS_LIST = (ADD_TO_LIST, REMOVE_FROM_LIST)
    ALL = (ADD_TO_LIST, REMOVE_FROM_LIST, UNSUBSCRIBE, BLOCKLIST, DELETE)


def _chunks(subscribers: QuerySet[Subscriber]) -> Iterator[list[int]]:
    # Keyset over ids: stable while rows are changed or deleted underneath.
    last = 0
    while True:
        ids = list(
            subscribers.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def subscribers_bulk(
    *, subscribers: QuerySet[Subscriber], action: str, mailing_list: MailingList | None = None
) -> int:
    """Apply `action` to every subscriber of the queryset; returns how many were affected.

    Adding to a list never re-subscribes someone who unsubscribed from it.
    """
    if action in BulkAction.NEEDS_LIST and mailing_list is None:
        raise ValueError(f"{action} needs a list")
    affected = 0
    for ids in _chunks(subscribers):
        with transaction.atomic():
            affected += _apply(ids, action, mailing_list)
    return affected


def _apply(ids: list[int], action: str, mailing_list: MailingList | None) -> int:
    now = timezone.now()
    if action == BulkAction.DELETE:
        return Subscriber.objects.filter(pk__in=ids).delete()[1].get("audience.Subscriber", 0)
    if action == BulkAction.BLOCKLIST:
        return Subscriber.objects.filter(pk__in=ids).update(
            status=SubscriberStatus.BLOCKLISTED, updated_at=now
        )
    if action == BulkAction.REMOVE_FROM_LIST:
        # Rows and history stay: a deleted row would let a later import re-subscribe them.
        action = BulkAction.UNSUBSCRIBE
    if action == BulkAction.ADD_TO_LIST:
        assert mailing_list is not None
        present = set(
            Subscription.objects.filter(
                subscriber_id__in=ids, mailing_list=mailing_list
            ).values_list("subscriber_id", flat=True)
        )
        created = Subscription.objects.bulk_create(
            Subscription(
                workspace_id=mailing_list.workspace_id,
                subscriber_id=i,
                mailing_list=mailing_list,
                status=SubscriptionStatus.SUBSCRIBED,
                source=SubscriptionSource.ADMIN,
                subscribed_at=now,
            )
            for i in ids
            if i not in present
        )
        _events(created, SubscriptionStatus.SUBSCRIBED)
        return len(created)
    if action == BulkAction.UNSUBSCRIBE:
        subscriptions = Subscription.objects.filter(subscriber_id__in=ids).exclude(
            status=SubscriptionStatus.UNSUBSCRIBED
        )
        if mailing_list is not None:
            subscriptions = subscriptions.filter(mailing_list=mailing_list)
        changed = list(subscriptions.select_for_update())
        Subscription.objects.filter(pk__in=[s.pk for s in changed]).update(
            status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now
        )
        _events(changed, SubscriptionStatus.UNSUBSCRIBED)
        return len({s.subscriber_id for s in changed})
    raise ValueError(f"unknown action {action}")


def _events(subscriptions: list[Subscription], status: str) -> None:
    SubscriptionEvent.objects.bulk_create(
        SubscriptionEvent(subscription_id=s.pk, status=status, source=SubscriptionSource.ADMIN)
        for s in subscriptions
    )
