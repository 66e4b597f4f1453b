"""Bounce intake: one place where a bounce, complaint or mailto unsubscribe changes the audience."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from postroom.accounts.models import Workspace
from postroom.audience.models import (
    Subscriber,
    Subscription,
    SubscriptionSource,
    SubscriptionStatus,
    SuppressionReason,
)
from postroom.audience.services.subscribers import subscriber_unsubscribe_all
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.services.suppressions import suppression_add
from postroom.delivery.bounces.dsn import BounceReport
from postroom.delivery.models import BounceEvent, BounceKind, Delivery
from postroom.delivery.sending.outcomes import suppress_hard_bounces
from postroom.delivery.signals import bounce_recorded

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Target:
    workspace: Workspace
    email: str
    delivery_id: int | None
    subscriber: Subscriber | None


def bounce_intake(report: BounceReport) -> bool:
    """Record `report` once and act on it; True when it was new.

    Hard bounce: the address is suppressed. Soft bounce: counted, and the address
    suppressed at BOUNCE_SOFT_LIMIT soft bounces in the workspace. Complaint:
    suppressed (reason complaint) and unsubscribed from every list. Unsubscribe:
    off the list its token names (list 0, or a provider's unsubscribe naming
    a delivery: every list, and suppressed).

    A report whose event id was taken in before, or that names no delivery or
    subscriber of ours (a forged or foreign token), changes nothing and gives False.
    Every new event is announced with `bounce_recorded`.
    """
    target = _target(report)
    if target is None:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = BounceEvent.objects.create(
                    workspace=target.workspace,
                    delivery_id=target.delivery_id,
                    email=target.email,
                    kind=report.kind,
                    status=report.status[:16],
                    diagnostic=report.diagnostic[:500],
                    source=report.source[:40],
                    event_id=report.event_id[:255],
                    received_at=timezone.now(),
                )
        except IntegrityError:
            return False  # a replay: already taken in
        _act(event, report, target)
        bounce_recorded.send(sender=BounceEvent, event=event)
    logger.info("bounce intake: %s %s (%s)", event.kind, event.email, event.source)
    return True


def _target(report: BounceReport) -> _Target | None:
    """Whom the report is about: the delivery's workspace and address, or the token's subscriber."""
    if report.kind == BounceKind.UNSUBSCRIBE and report.subscriber_id is not None:
        subscriber = (
            Subscriber.objects.select_related("workspace").filter(pk=report.subscriber_id).first()
        )
        if subscriber is None:
            return None
        return _Target(subscriber.workspace, subscriber.email or "", report.delivery_id, subscriber)
    delivery = (
        Delivery.objects.select_related("run__campaign__workspace", "workspace")
        .filter(pk=report.delivery_id)
        .first()
        if report.delivery_id is not None
        else None
    )
    if delivery is None:
        return None
    # A delivery of the priority lane (transactional) has no run and names its workspace.
    workspace = delivery.run.campaign.workspace if delivery.run else delivery.workspace
    if workspace is None:
        return None
    email = delivery.email.lower()
    by_id = Subscriber.objects.filter(workspace=workspace, pk=delivery.subscriber_id or 0)
    subscriber = (
        by_id.first() or Subscriber.objects.filter(workspace=workspace, email=email).first()
    )
    return _Target(workspace, email, delivery.pk, subscriber)


def _act(event: BounceEvent, report: BounceReport, target: _Target) -> None:
    workspace_id = target.workspace.pk
    if event.kind == BounceKind.HARD:
        note = f"{event.status} {event.diagnostic}".strip() or "hard bounce"
        suppress_hard_bounces(workspace_id=workspace_id, emails=[event.email], note=note)
    elif event.kind == BounceKind.SOFT:
        soft = BounceEvent.objects.filter(
            workspace_id=workspace_id, email=event.email, kind=BounceKind.SOFT
        ).count()
        if soft >= settings.BOUNCE_SOFT_LIMIT:
            note = f"{soft} soft bounces, the last {event.status} {event.diagnostic}".strip()
            suppress_hard_bounces(
                workspace_id=workspace_id,
                emails=[event.email],
                note=note,
                reason=SuppressionReason.SOFT_BOUNCES,
            )
    elif event.kind == BounceKind.COMPLAINT:
        # The complaint is the entry that stays: unsubscribing afterwards keeps the first one.
        suppression_add(
            workspace=target.workspace,
            value=event.email,
            reason=SuppressionReason.COMPLAINT,
            note=event.diagnostic[:255],
        )
        if target.subscriber is not None:
            subscriber_unsubscribe_all(subscriber=target.subscriber, source=SubscriptionSource.FORM)
    elif event.kind == BounceKind.UNSUBSCRIBE and target.subscriber is not None:
        # A provider's unsubscribe names no list: list 0, everything.
        _unsubscribe(target.subscriber, report.list_id)


def _unsubscribe(subscriber: Subscriber, list_id: int) -> None:
    """As the public unsubscribe page does: one list, or with list 0 everything."""
    if not list_id:
        subscriber_unsubscribe_all(subscriber=subscriber, source=SubscriptionSource.FORM)
        return
    subscription = (
        Subscription.objects.select_related("mailing_list")
        .filter(subscriber=subscriber, mailing_list_id=list_id)
        .first()
    )
    if subscription is not None:
        subscription_set(
            subscriber=subscriber,
            mailing_list=subscription.mailing_list,
            status=SubscriptionStatus.UNSUBSCRIBED,
            source=SubscriptionSource.FORM,
        )
