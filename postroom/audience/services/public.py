"""What visitors of the public pages can do: subscribe, confirm, manage, unsubscribe."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from postroom.audience.emails import email_normalize
from postroom.audience.models import (
    MailingList,
    OptIn,
    Subscriber,
    Subscription,
    SubscriptionSource,
    SubscriptionStatus,
    Suppression,
)
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tokens import confirm_token_make
from postroom.core.ratelimit import hourly_limit_exceeded


@transaction.atomic
def public_subscribe(
    *, mailing_list: MailingList, email: str, full_name: str, ip: str | None, base_url: str
) -> Subscription:
    """Subscribe from the list's public form.

    Single opt-in subscribes at once. Double opt-in records the subscription
    as unconfirmed and mails a signed, expiring confirmation link. An address
    someone unsubscribed everywhere stays suppressed until they confirm.
    """
    address = email_normalize(email)
    subscriber, _created = Subscriber.objects.get_or_create(
        workspace_id=mailing_list.workspace_id,
        email=address,
        defaults={"full_name": full_name.strip()[:200], "source": SubscriptionSource.FORM},
    )
    existing = Subscription.objects.filter(subscriber=subscriber, mailing_list=mailing_list).first()
    if existing is not None and existing.status == SubscriptionStatus.SUBSCRIBED:
        return existing
    if mailing_list.opt_in == OptIn.SINGLE:
        return subscription_set(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=SubscriptionStatus.SUBSCRIBED,
            source=SubscriptionSource.FORM,
            ip=ip,
        )
    subscription = subscription_set(
        subscriber=subscriber,
        mailing_list=mailing_list,
        status=SubscriptionStatus.UNCONFIRMED,
        source=SubscriptionSource.FORM,
        ip=ip,
    )
    # Queued, never sent in the request: how long a relay takes would tell a
    # stranger which addresses got a mail (already subscribed ones do not).
    from postroom.audience.tasks import optin_confirmation_send

    subscription_id = subscription.pk
    transaction.on_commit(lambda: optin_confirmation_send(subscription_id, base_url))
    return subscription


def optin_confirmation_mail(*, subscription_id: int, base_url: str) -> bool:
    """Mail the confirmation link of a subscription still unconfirmed; False when there is none to send.

    None to send: confirmed or gone meanwhile, or its subscriber has no email address.
    """
    subscription = (
        Subscription.objects.select_related("subscriber", "mailing_list")
        .filter(pk=subscription_id, status=SubscriptionStatus.UNCONFIRMED)
        .first()
    )
    address = subscription.subscriber.email if subscription is not None else None
    if subscription is None or not address:  # a contact without email gets no mail
        return False
    link = base_url + reverse(
        "public_confirm", args=[confirm_token_make(subscription_id=subscription.pk)]
    )
    context = {
        "list_name": subscription.mailing_list.name,
        "link": link,
        "days": settings.OPTIN_CONFIRM_MAX_AGE // 86400,
    }
    send_mail(
        render_to_string("audience/email/confirm_subject.txt", context).strip(),
        render_to_string("audience/email/confirm_message.txt", context),
        None,
        [address],
    )
    return True


@transaction.atomic
def public_confirm(*, subscription: Subscription, ip: str | None) -> Subscription:
    """The visitor followed the confirmation link: subscribed, and no longer suppressed as 'unsubscribed'."""
    from postroom.audience.services.subscriptions import subscription_confirm

    Suppression.objects.filter(
        workspace_id=subscription.workspace_id,
        email=subscription.subscriber.email,
        reason="unsubscribed",
    ).delete()
    return subscription_confirm(subscription=subscription, ip=ip)


PER_IP_PER_HOUR = 20
PER_ADDRESS_PER_HOUR = 3


def public_form_allowed(*, ip: str | None, email: str) -> bool:
    """Rate limit of the public forms (shared cache): per visitor address and per email."""
    # Both counters always count, so one cannot be spent to hide from the other.
    by_ip = hourly_limit_exceeded(f"subscribe:ip:{ip}", PER_IP_PER_HOUR)
    by_email = hourly_limit_exceeded(
        f"subscribe:email:{email.strip().lower()}", PER_ADDRESS_PER_HOUR
    )
    return not (by_ip or by_email)
