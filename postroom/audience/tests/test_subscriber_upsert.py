"""Upsert by external id (else email): the customer's app syncs its users without looking them up first."""

import pytest

from postroom.accounts.roles import Role
from postroom.audience.models import MailingList, Subscriber, Subscription, SubscriptionStatus
from postroom.audience.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/subscribers/upsert/"


def test_it_creates_then_changes_the_same_contact(api, owner):
    client = api(owner.user)

    created = client.post(URL, {"external_id": "u1", "full_name": "Ann"}, format="json")
    changed = client.post(
        URL, {"external_id": "u1", "email": "ann@example.com", "language": "ru"}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert changed.status_code == 200, changed.json()
    contact = Subscriber.objects.get(workspace=owner.workspace)
    assert (contact.email, contact.external_id, contact.full_name, contact.language) == (
        "ann@example.com",
        "u1",
        "Ann",  # left out: kept
        "ru",
    )


def test_an_email_only_subscriber_gets_the_external_id(api, owner):
    ann = SubscriberFactory(workspace=owner.workspace, email="ann@example.com")

    response = api(owner.user).post(
        URL, {"external_id": "u1", "email": "ANN@example.com"}, format="json"
    )

    assert response.status_code == 200 and response.json()["id"] == ann.pk
    ann.refresh_from_db()
    assert ann.external_id == "u1"


def test_a_different_identifier_of_the_found_subscriber_is_a_400(api, owner):
    SubscriberFactory(workspace=owner.workspace, email="ann@example.com", external_id="u1")

    response = api(owner.user).post(
        URL, {"external_id": "u1", "email": "bob@example.com"}, format="json"
    )

    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]


def test_lists_are_added_but_an_unsubscribed_person_stays_unsubscribed(api, owner):
    news = MailingList.objects.create(workspace=owner.workspace, name="News")
    offers = MailingList.objects.create(workspace=owner.workspace, name="Offers")
    contact = SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1")
    Subscription.objects.create(
        workspace=owner.workspace,
        subscriber=contact,
        mailing_list=news,
        status=SubscriptionStatus.UNSUBSCRIBED,
    )

    api(owner.user).post(URL, {"external_id": "u1", "lists": [news.pk, offers.pk]}, format="json")

    assert dict(
        Subscription.objects.filter(subscriber=contact).values_list("mailing_list", "status")
    ) == {news.pk: "unsubscribed", offers.pk: "subscribed"}


def test_neither_identifier_is_a_400_and_a_viewer_may_not_upsert(api, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    assert api(owner.user).post(URL, {"full_name": "Ann"}, format="json").status_code == 400
    assert api(viewer.user).post(URL, {"external_id": "u1"}, format="json").status_code == 403


def test_another_workspaces_contact_and_lists_are_not_reached(api, owner, other_owner):
    theirs = SubscriberFactory(workspace=other_owner.workspace, email=None, external_id="u1")
    their_list = MailingList.objects.create(workspace=other_owner.workspace, name="Theirs")
    client = api(owner.user)

    with_their_list = client.post(
        URL, {"external_id": "u1", "lists": [their_list.pk]}, format="json"
    )
    ours = client.post(URL, {"external_id": "u1", "full_name": "Ours"}, format="json")

    assert with_their_list.status_code == 404
    assert ours.status_code == 201 and ours.json()["id"] != theirs.pk
    theirs.refresh_from_db()
    assert theirs.full_name != "Ours"
