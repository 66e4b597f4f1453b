"""Bounce intake: suppressions and unsubscribes follow from reports, each taken in once."""

import pytest

from postroom.audience.models import Subscription, SubscriptionStatus, Suppression
from postroom.delivery.bounces.dsn import BounceReport, reports_parse
from postroom.delivery.bounces.intake import bounce_intake
from postroom.delivery.models import BounceEvent, Delivery, DeliveryStatus
from postroom.delivery.signals import bounce_recorded
from postroom.delivery.tests.bounces.dsnmail import dsn_mail
from postroom.delivery.tests.factories import launched_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(owner):
    """Three sent deliveries of one run, and their subscribers."""
    campaign, run, subscribers = launched_run(owner.workspace, 3)
    Delivery.objects.filter(run=run).update(status=DeliveryStatus.SENT)
    deliveries = list(Delivery.objects.filter(run=run).order_by("email"))
    return campaign, deliveries, subscribers


@pytest.fixture
def recorded():
    events = []

    def receiver(sender, event, **kwargs):
        events.append(event)

    bounce_recorded.connect(receiver)
    yield events
    bounce_recorded.disconnect(receiver)


def soft(delivery, n):
    return BounceReport(
        kind="soft",
        email=delivery.email,
        event_id=f"test-soft-{n}",
        status="4.2.2",
        diagnostic="452 4.2.2 Mailbox full",
        delivery_id=delivery.pk,
    )


def test_it_suppresses_a_hard_bounce_once(sent, recorded):
    _, deliveries, _ = sent
    delivery = deliveries[0]
    [report] = reports_parse(dsn_mail("postfix", delivery_id=delivery.pk))

    assert bounce_intake(report) is True
    assert bounce_intake(report) is False  # the same DSN fetched again

    event = BounceEvent.objects.get()
    assert (event.email, event.kind, event.status) == (delivery.email, "hard", "5.1.1")
    assert event.delivery_id == delivery.pk and event.source == "mailbox"
    suppression = Suppression.objects.get()
    assert suppression.email == delivery.email and suppression.reason == "hard_bounce"
    assert suppression.note.startswith("5.1.1 550 5.1.1")
    assert recorded == [event]


def test_soft_bounces_suppress_at_the_limit(sent, settings):
    settings.BOUNCE_SOFT_LIMIT = 3
    _, deliveries, _ = sent

    assert bounce_intake(soft(deliveries[0], 1))
    assert bounce_intake(soft(deliveries[0], 2))
    assert bounce_intake(soft(deliveries[1], 3))  # another address
    assert not Suppression.objects.exists()
    assert bounce_intake(soft(deliveries[0], 4))

    assert list(Suppression.objects.values_list("email", "reason")) == [
        (deliveries[0].email, "soft_bounces")
    ]
    assert Suppression.objects.get().note.startswith("3 soft bounces, the last 4.2.2")


def test_a_replayed_soft_bounce_is_not_counted_twice(sent, settings):
    settings.BOUNCE_SOFT_LIMIT = 2
    _, deliveries, _ = sent

    bounce_intake(soft(deliveries[0], 1))
    bounce_intake(soft(deliveries[0], 1))

    assert BounceEvent.objects.count() == 1 and not Suppression.objects.exists()


def test_a_complaint_suppresses_and_unsubscribes_from_everything(sent):
    _, deliveries, subscribers = sent
    delivery = deliveries[1]
    subscriber = next(s for s in subscribers if s.email == delivery.email)
    [report] = reports_parse(dsn_mail("arf_complaint", delivery_id=delivery.pk))

    assert bounce_intake(report)

    suppression = Suppression.objects.get()
    assert suppression.email == delivery.email and suppression.reason == "complaint"
    assert set(
        Subscription.objects.filter(subscriber=subscriber).values_list("status", flat=True)
    ) == {SubscriptionStatus.UNSUBSCRIBED}
    other = Subscription.objects.exclude(subscriber=subscriber)
    assert set(other.values_list("status", flat=True)) == {SubscriptionStatus.SUBSCRIBED}


def test_a_mailto_unsubscribe_leaves_the_list_its_token_names(sent):
    campaign, _, subscribers = sent
    subscriber = subscribers[0]
    mailing_list = campaign.lists.get()
    raw = dsn_mail("mailto_unsubscribe", subscriber_id=subscriber.pk, list_id=mailing_list.pk)
    [report] = reports_parse(raw)

    assert bounce_intake(report)
    assert not bounce_intake(report)

    subscription = Subscription.objects.get(subscriber=subscriber)
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert not Suppression.objects.exists()  # one list only, not everything
    event = BounceEvent.objects.get()
    assert (event.kind, event.email, event.delivery_id) == ("unsubscribe", subscriber.email, None)


def test_a_mailto_unsubscribe_for_list_zero_leaves_everything(sent):
    _, _, subscribers = sent
    subscriber = subscribers[2]
    [report] = reports_parse(dsn_mail("mailto_unsubscribe", subscriber_id=subscriber.pk))

    bounce_intake(report)

    assert Subscription.objects.get(subscriber=subscriber).status == SubscriptionStatus.UNSUBSCRIBED
    assert Suppression.objects.get().reason == "unsubscribed"


def test_a_report_that_names_nothing_of_ours_changes_nothing(sent, recorded):
    [forged] = reports_parse(dsn_mail("forged"))
    gone = BounceReport(kind="hard", email="x@example.com", event_id="e", delivery_id=10**9)

    assert bounce_intake(forged) is False
    assert bounce_intake(gone) is False
    assert not BounceEvent.objects.exists() and not Suppression.objects.exists()
    assert recorded == []


def test_suppression_stays_in_the_delivery_s_workspace(sent, other_owner):
    _, deliveries, _ = sent
    [report] = reports_parse(dsn_mail("exim", delivery_id=deliveries[0].pk))

    bounce_intake(report)

    assert not Suppression.objects.filter(workspace=other_owner.workspace).exists()
    assert BounceEvent.objects.get().workspace_id == deliveries[0].run.campaign.workspace_id
