"""Subscribers go with their workspace, subscriptions with their subscriber or list.

Django deletes them, not a database constraint.
"""

import pytest

from postroom.audience.models import Subscriber, Subscription, SubscriptionEvent
from postroom.audience.services.lists import mailing_list_delete
from postroom.audience.services.subscribers import subscriber_delete
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    subscriber = SubscriberFactory(workspace=owner.workspace)
    subscription_set(
        subscriber=subscriber, mailing_list=the_list, status="subscribed", source="admin"
    )
    return subscriber, the_list


def test_it_deletes_the_subscriptions_and_history_of_a_deleted_subscriber(subscribed):
    subscriber, _ = subscribed

    subscriber_delete(subscriber=subscriber)

    assert not Subscription.objects.exists()
    assert not SubscriptionEvent.objects.exists()


def test_it_deletes_the_subscriptions_and_history_of_a_deleted_list(subscribed):
    _, the_list = subscribed

    mailing_list_delete(mailing_list=the_list)

    assert not Subscription.objects.exists()
    assert not SubscriptionEvent.objects.exists()


def test_it_deletes_the_subscribers_of_a_deleted_workspace(subscribed):
    # given
    subscriber, _ = subscribed

    # when
    subscriber.workspace.delete()

    # then
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()
    assert not SubscriptionEvent.objects.exists()
