"""A subscriber may have no email: push-only contacts are known by an external id."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from postroom.audience.models import (
    MailingList,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    Suppression,
)
from postroom.audience.services.public import optin_confirmation_mail
from postroom.audience.services.subscribers import (
    subscriber_create,
    subscriber_unsubscribe_all,
    subscriber_update,
)
from postroom.audience.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_push_only_contact_by_external_id(owner):
    # when
    contact = subscriber_create(workspace=owner.workspace, external_id="  user-42 ")

    # then
    contact.refresh_from_db()
    assert (contact.email, contact.external_id) == (None, "user-42")
    assert str(contact) == "user-42"


def test_it_creates_a_contact_with_both_identifiers(owner):
    contact = subscriber_create(
        workspace=owner.workspace, email="Ann@Example.com", external_id="u1"
    )

    assert (contact.email, contact.external_id) == ("ann@example.com", "u1")


def test_a_contact_needs_an_email_or_an_external_id(owner):
    with pytest.raises(ValidationError) as caught:
        subscriber_create(workspace=owner.workspace, email="  ", external_id="")

    assert "email" in caught.value.message_dict


def test_external_ids_are_unique_per_workspace_and_shared_across_workspaces(owner, other_owner):
    # given
    subscriber_create(workspace=owner.workspace, external_id="u1")

    # when / then: again in the same workspace
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        subscriber_create(workspace=owner.workspace, external_id="u1")
    assert caught.value.message_dict["external_id"] == [
        "A subscriber with this external id already exists."
    ]
    # another workspace may use the same id
    assert subscriber_create(workspace=other_owner.workspace, external_id="u1").pk


def test_many_contacts_without_email_share_the_workspace(owner):
    subscriber_create(workspace=owner.workspace, external_id="u1")
    subscriber_create(workspace=owner.workspace, external_id="u2")

    assert Subscriber.objects.filter(workspace=owner.workspace, email__isnull=True).count() == 2


def test_the_database_refuses_a_contact_without_any_identifier(owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(workspace=owner.workspace, email=None, external_id=None)


def test_updating_can_drop_the_email_only_while_an_external_id_remains(owner):
    contact = SubscriberFactory(workspace=owner.workspace, email="ann@example.com")

    with pytest.raises(ValidationError):
        subscriber_update(subscriber=contact, email="")

    subscriber_update(subscriber=contact, email="", external_id="u9")
    contact.refresh_from_db()
    assert (contact.email, contact.external_id) == (None, "u9")


def test_an_external_id_taken_in_the_workspace_is_refused_on_update(owner):
    subscriber_create(workspace=owner.workspace, external_id="u1")
    other = subscriber_create(workspace=owner.workspace, email="bob@example.com")

    with pytest.raises(ValidationError) as caught:
        subscriber_update(subscriber=other, external_id="u1")

    assert "external_id" in caught.value.message_dict


def test_control_characters_and_overlong_external_ids_are_refused(owner):
    for bad in ("a\x00b", "a\nb", "x" * 256):
        with pytest.raises(ValidationError) as caught:
            subscriber_create(workspace=owner.workspace, external_id=bad)
        assert "external_id" in caught.value.message_dict


def test_unsubscribing_everything_works_without_an_address(owner):
    # given
    the_list = MailingList.objects.create(workspace=owner.workspace, name="News")
    contact = subscriber_create(workspace=owner.workspace, external_id="u1", lists=[the_list])

    # when
    subscriber_unsubscribe_all(subscriber=contact, source="form")

    # then
    assert Subscription.objects.get(subscriber=contact).status == SubscriptionStatus.UNSUBSCRIBED
    assert not Suppression.objects.filter(workspace=owner.workspace).exists()


def test_no_confirmation_mail_goes_to_a_contact_without_email(owner):
    the_list = MailingList.objects.create(workspace=owner.workspace, name="News", opt_in="double")
    contact = subscriber_create(
        workspace=owner.workspace,
        external_id="u1",
        lists=[the_list],
        subscription_status=SubscriptionStatus.UNCONFIRMED,
    )
    subscription = Subscription.objects.get(subscriber=contact)

    sent = optin_confirmation_mail(subscription_id=subscription.pk, base_url="http://testserver")

    assert sent is False
    assert mail.outbox == []


def test_suppression_entries_never_match_a_contact_without_email(owner):
    from postroom.audience.selectors import unsuppressed_q

    # given a domain entry (its email is "") and an address entry (its domain is "")
    Suppression.objects.create(workspace=owner.workspace, domain="example.com", reason="manual")
    Suppression.objects.create(workspace=owner.workspace, email="x@example.org", reason="manual")
    contact = subscriber_create(workspace=owner.workspace, external_id="u1")

    assert list(Subscriber.objects.filter(unsuppressed_q())) == [contact]
