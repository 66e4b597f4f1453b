"""The batch loaders (set-based SQL on PostgreSQL, the ORM elsewhere) count and subscribe alike."""

import pytest
from django.db import connection

from postroom.audience.imports.loaders import Target, loader_for
from postroom.audience.imports.rows import Record
from postroom.audience.models import (
    Subscriber,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def record(email: str, name: str = "") -> Record:
    return Record(
        line=1,
        email=email,
        full_name=name,
        comment="",
        time_zone="",
        language="",
        attributes={},
    )


def test_it_creates_subscribes_and_counts_a_mixed_batch(owner):
    # given
    workspace = owner.workspace
    first, second = MailingListFactory(workspace=workspace), MailingListFactory(workspace=workspace)
    on_both = SubscriberFactory(workspace=workspace, email="both@example.com")
    on_first = SubscriberFactory(workspace=workspace, email="first@example.com")
    gone = SubscriberFactory(workspace=workspace, email="gone@example.com")
    SubscriberFactory(workspace=workspace, email="nowhere@example.com")
    for subscriber, the_list in [(on_both, first), (on_both, second), (on_first, first)]:
        subscription_set(
            subscriber=subscriber, mailing_list=the_list, status="subscribed", source="admin"
        )
    subscription_set(subscriber=gone, mailing_list=first, status="unsubscribed", source="form")
    target = Target(
        workspace_id=workspace.pk,
        mode="add",
        list_ids=(first.pk, second.pk),
        subscription_status=SubscriptionStatus.SUBSCRIBED,
    )
    emails = ["both", "first", "gone", "nowhere", "new1", "new2"]

    # when
    result = loader_for(target).load([record(f"{e}@example.com", e) for e in emails])

    # then
    assert (result.created, result.updated, result.unchanged) == (2, 3, 1)
    pairs = set(Subscription.objects.values_list("subscriber__email", "mailing_list_id", "status"))
    expected = {
        (f"{e}@example.com", the_list.pk, "subscribed")
        for e in ["both", "first", "gone", "nowhere", "new1", "new2"]
        for the_list in (first, second)
    } - {("gone@example.com", first.pk, "subscribed")}
    assert pairs == expected | {("gone@example.com", first.pk, "unsubscribed")}
    assert Subscriber.objects.get(email="new1@example.com").full_name == "new1"
    assert Subscriber.objects.get(email="first@example.com").full_name != "first"
    imported = SubscriptionEvent.objects.filter(source="import")
    assert imported.count() == 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based loader")
def test_it_only_writes_subscriptions_to_lists_of_the_workspace(owner):
    foreign = MailingListFactory()
    target = Target(
        workspace_id=owner.workspace.pk,
        mode="add",
        list_ids=(foreign.pk,),
        subscription_status=SubscriptionStatus.SUBSCRIBED,
    )

    result = loader_for(target).load([record("ann@example.com")])

    assert result.created == 1
    assert not Subscription.objects.exists()


def test_it_stores_awkward_values_exactly(owner):
    # given: values with everything COPY or CSV could misread
    comment = 'a "quoted", line\nwith\r\nbreaks\n\\.\n\\N and \\ and \ttab and ёж'
    attributes = {"note": 'say "hi"\\n\n', "n": 1.5, "empty": ""}
    awkward = Record(
        line=1,
        email="ann@example.com",
        full_name="",
        comment=comment,
        time_zone="Europe/Paris",
        language="\\N",
        attributes=attributes,
    )
    target = Target(
        workspace_id=owner.workspace.pk,
        mode="add",
        list_ids=(),
        subscription_status=SubscriptionStatus.SUBSCRIBED,
        defaults={"plan": 'free,"basic"', "n": 0},
    )

    cid = record("cid@example.com", "Cid\rCarriage")

    # when
    loader_for(target).load([awkward, record("bob@example.com"), cid])

    # then
    ann = Subscriber.objects.get(email="ann@example.com")
    assert (ann.full_name, ann.comment, ann.time_zone, ann.language) == (
        "",
        comment,
        "Europe/Paris",
        "\\N",
    )
    assert ann.attributes == {**attributes, "plan": 'free,"basic"'}
    assert Subscriber.objects.get(email="bob@example.com").attributes == {
        "plan": 'free,"basic"',
        "n": 0,
    }
    assert Subscriber.objects.get(email="cid@example.com").full_name == "Cid\rCarriage"


def test_it_loads_new_batches_and_batches_with_known_addresses_alike(owner):
    # given: a loader whose first batch is all new, then one that meets a stored address
    the_list = MailingListFactory(workspace=owner.workspace)
    target = Target(
        workspace_id=owner.workspace.pk,
        mode="add",
        list_ids=(the_list.pk,),
        subscription_status=SubscriptionStatus.SUBSCRIBED,
    )
    loader = loader_for(target)

    # when
    first = loader.load([record("a@example.com"), record("b@example.com")])
    second = loader.load([record("c@example.com"), record("a@example.com")])
    third = loader.load([record("d@example.com")])

    # then
    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.unchanged) == (1, 1)
    assert third.created == 1
    assert Subscriber.objects.filter(workspace=owner.workspace).count() == 4
    assert Subscription.objects.filter(mailing_list=the_list).count() == 4
    assert SubscriptionEvent.objects.filter(subscription__mailing_list=the_list).count() == 4


def test_it_fills_field_defaults_of_new_subscribers_only(owner):
    # given: a stored subscriber without the attribute, and an update import with a default
    SubscriberFactory(workspace=owner.workspace, email="old@example.com", attributes={"a": 1})
    target = Target(
        workspace_id=owner.workspace.pk,
        mode="update",
        list_ids=(),
        subscription_status=SubscriptionStatus.SUBSCRIBED,
        defaults={"plan": "free"},
    )

    # when
    loader_for(target).load([record("old@example.com"), record("new@example.com")])

    # then
    assert Subscriber.objects.get(email="old@example.com").attributes == {"a": 1}
    assert Subscriber.objects.get(email="new@example.com").attributes == {"plan": "free"}
