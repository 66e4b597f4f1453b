from django.db import transaction
from django.utils import timezone

from postroom.audience.models import (
    MailingList,
    Subscriber,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from postroom.core.dashboard import dashboard_invalidate


@transaction.atomic
def subscription_set(
    *,
    subscriber: Subscriber,
    mailing_list: MailingList,
    status: str,
    source: str,
    ip: str | None = None,
) -> Subscription:
    """Put `subscriber` on `mailing_list` with `status`, keeping the row and its history.

    Subscribing again after unsubscribing flips the same row back; every change
    of status appends a SubscriptionEvent. Setting the status it already has
    changes nothing.
    """
    if subscriber.workspace_id != mailing_list.workspace_id:
        raise ValueError("subscriber and list belong to different workspaces")
    now = timezone.now()
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        subscriber=subscriber,
        mailing_list=mailing_list,
        defaults={"workspace_id": subscriber.workspace_id, "status": status, "source": source},
    )
    if not created and subscription.status == status:
        return subscription
    subscription.status = status
    subscription.source = source
    if status == SubscriptionStatus.SUBSCRIBED:
        subscription.subscribed_at = now
        subscription.unsubscribed_at = None
        if ip:
            subscription.confirmation_ip = ip
        if subscription.confirmed_at is None and mailing_list.opt_in == "double" and ip:
            subscription.confirmed_at = now
    elif status == SubscriptionStatus.UNSUBSCRIBED:
        subscription.unsubscribed_at = now
    subscription.save()
    SubscriptionEvent.objects.create(subscription=subscription, status=status, source=source, ip=ip)
    dashboard_invalidate(workspace_id=subscription.workspace_id)
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, ip: str | None) -> Subscription:
    """Double opt-in: the subscriber followed the confirmation link."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.SUBSCRIBED and subscription.confirmed_at:
        return subscription
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at", "updated_at"])
    return subscription_set(
        subscriber=subscription.subscriber,
        mailing_list=subscription.mailing_list,
        status=SubscriptionStatus.SUBSCRIBED,
        source=subscription.source,
        ip=ip,
    )
