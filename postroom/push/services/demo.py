"""The push sandbox's demo: a contact of the signed-in user with one sandbox Web Push device.

The device is a Web Push subscription whose endpoint is this installation's
`/push/sandbox/…` address: nothing listens there, as nothing real is sent to
it while the workspace has no Web Push settings and PUSH_SANDBOX is on (the
sandbox keeps its notifications, `postroom.push.providers.sandbox`). The
contact is put on the "Push sandbox demo" list, so a campaign can choose it.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from postroom.accounts.models import User, Workspace
from postroom.audience.models import MailingList, Subscriber, SubscriptionSource, SubscriptionStatus
from postroom.audience.services.subscribers import subscriber_create, subscriber_find
from postroom.audience.services.subscriptions import subscription_set
from postroom.push.models import Device, DeviceKind, PushProvider
from postroom.push.services.devices import DeviceFields, device_register

DEMO_LIST_NAME = "Push sandbox demo"


def demo_external_id(user: User) -> str:
    return f"push-demo:{user.pk}"


def demo_endpoint_prefix() -> str:
    return settings.SITE_URL + reverse("push_sandbox_endpoint", args=["x"])[:-1]


def demo_device(*, workspace: Workspace, user: User) -> Device | None:
    """The user's valid sandbox device in `workspace`, if they subscribed the demo page."""
    return (
        Device.objects.filter(
            workspace=workspace,
            kind=DeviceKind.WEBPUSH,
            subscriber__external_id=demo_external_id(user),
            token__startswith=demo_endpoint_prefix(),
            is_valid=True,
        )
        .order_by("-pk")
        .first()
    )


def demo_sandboxed(*, workspace: Workspace) -> bool:
    """Do the workspace's Web Push notifications go to the sandbox?"""
    return (
        settings.PUSH_SANDBOX
        and not PushProvider.objects.filter(
            workspace=workspace, kind=DeviceKind.WEBPUSH, is_active=True
        ).exists()
    )


@transaction.atomic
def demo_subscribe(
    *, workspace: Workspace, user: User, locale: str = "", time_zone: str = ""
) -> Device:
    """The user's demo contact (created, on the demo list) and a sandbox device for it (kept if any)."""
    mailing_list = MailingList.objects.filter(workspace=workspace, name=DEMO_LIST_NAME).first()
    if mailing_list is None:
        mailing_list = MailingList.objects.create(workspace=workspace, name=DEMO_LIST_NAME)
    subscriber = subscriber_find(
        workspace=workspace, email=None, external_id=demo_external_id(user)
    ) or subscriber_create(
        workspace=workspace,
        external_id=demo_external_id(user),
        full_name=f"Push demo ({user.email})"[:200],
        source=SubscriptionSource.ADMIN,
    )
    subscription_set(
        subscriber=subscriber,
        mailing_list=mailing_list,
        status=SubscriptionStatus.SUBSCRIBED,
        source=SubscriptionSource.ADMIN,
    )
    existing = demo_device(workspace=workspace, user=user)
    if existing is not None:
        return existing
    device, _created = device_register(
        subscriber=subscriber,
        kind=DeviceKind.WEBPUSH,
        token=demo_endpoint_prefix() + secrets.token_urlsafe(24),
        fields=DeviceFields(
            p256dh="sandbox", auth="sandbox", platform="web", locale=locale, time_zone=time_zone
        ),
        now=timezone.now(),
    )
    return device


def demo_subscriber(*, workspace: Workspace, user: User) -> Subscriber | None:
    return subscriber_find(workspace=workspace, email=None, external_id=demo_external_id(user))
