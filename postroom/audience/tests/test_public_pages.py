import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from postroom.audience.models import Subscriber, Subscription, Suppression
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory
from postroom.audience.tokens import (
    preferences_token_make,
    unsubscribe_token_make,
)

pytestmark = pytest.mark.django_db


def _subscribe(client, the_list, email="ann@example.com", **extra):
    return client.post(
        reverse("public_list", args=[the_list.public_id]),
        {"email": email, "full_name": "Ann", **extra},
    )


def test_single_opt_in_subscribes_at_once(client, owner):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="single")

    response = _subscribe(client, the_list)

    assert b'id="subscribed"' in response.content
    subscription = Subscription.objects.get()
    assert subscription.status == "subscribed" and subscription.source == "form"
    assert subscription.confirmation_ip == "127.0.0.1"


def test_double_opt_in_mails_a_signed_link_and_confirms_on_click(
    client, owner, django_capture_on_commit_callbacks
):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="double")

    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, the_list)
    assert Subscription.objects.get().status == "unconfirmed"
    link = re.search(r"http://testserver(/l/confirm/\S+/)", mail.outbox[0].body).group(1)

    assert client.get(link).status_code == 200  # a mail scanner's GET confirms nothing
    assert Subscription.objects.get().status == "unconfirmed"
    response = client.post(link)

    subscription = Subscription.objects.get()
    assert b'id="confirmed"' in response.content
    assert subscription.status == "subscribed" and subscription.confirmed_at is not None


def test_an_expired_or_forged_confirmation_link_is_refused(
    client, owner, django_capture_on_commit_callbacks
):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="double")
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, the_list)
    link = re.search(r"http://testserver(/l/confirm/\S+/)", mail.outbox[0].body).group(1)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.post(link).status_code == 404
    assert client.post(link[:-3] + "xx/").status_code == 404
    assert Subscription.objects.get().status == "unconfirmed"


def test_private_lists_have_no_public_page(client, owner):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=False)

    assert client.get(reverse("public_list", args=[the_list.public_id])).status_code == 404


def test_a_bot_filling_the_hidden_field_subscribes_nobody(client, owner):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True)

    _subscribe(client, the_list, website="http://spam.example")

    assert not Subscriber.objects.exists()


def test_the_preference_centre_changes_lists_and_unsubscribes_from_all(client, owner):
    weekly = MailingListFactory(workspace=owner.workspace, name="Weekly", is_public=True)
    offers = MailingListFactory(workspace=owner.workspace, name="Offers", is_public=True)
    ann = SubscriberFactory(workspace=owner.workspace)
    subscription_set(subscriber=ann, mailing_list=weekly, status="subscribed", source="admin")
    url = reverse("public_preferences", args=[preferences_token_make(subscriber_id=ann.pk)])

    page = client.get(url)
    client.post(url, {"lists": [offers.pk]})

    assert b"Weekly" in page.content and b"Offers" in page.content
    assert dict(ann.subscriptions.values_list("mailing_list__name", "status")) == {
        "Weekly": "unsubscribed",
        "Offers": "subscribed",
    }

    client.post(url, {"unsubscribe_all": "1"})
    assert set(ann.subscriptions.values_list("status", flat=True)) == {"unsubscribed"}
    assert Suppression.objects.get().email == ann.email


def test_a_forged_preference_token_shows_nothing(client, owner):
    ann = SubscriberFactory(workspace=owner.workspace, email="ann@example.com")
    bob = SubscriberFactory(workspace=owner.workspace, email="bob@example.com")
    # Ann's signature on Bob's id: what someone editing their own link would try.
    ann_payload, ann_mac = preferences_token_make(subscriber_id=ann.pk).rsplit(".", 1)
    bob_payload = preferences_token_make(subscriber_id=bob.pk).rsplit(".", 1)[0]
    assert bob_payload != ann_payload
    forged = f"{bob_payload}.{ann_mac}"

    response = client.get(reverse("public_preferences", args=[forged]))

    assert response.status_code == 404
    assert b"bob@example.com" not in response.content


def test_the_preference_centre_shows_only_the_subscribers_workspace(client, owner, other_owner):
    MailingListFactory(workspace=other_owner.workspace, name="Their public list", is_public=True)
    ann = SubscriberFactory(workspace=owner.workspace)

    page = client.get(
        reverse("public_preferences", args=[preferences_token_make(subscriber_id=ann.pk)])
    )

    assert b"Their public list" not in page.content


def test_unsubscribing_from_one_list_asks_then_keeps_the_row(client, owner):
    the_list = MailingListFactory(workspace=owner.workspace)
    ann = SubscriberFactory(workspace=owner.workspace)
    subscription_set(subscriber=ann, mailing_list=the_list, status="subscribed", source="admin")
    url = reverse(
        "public_unsubscribe",
        args=[unsubscribe_token_make(subscriber_id=ann.pk, list_id=the_list.pk)],
    )

    client.get(url)
    assert Subscription.objects.get().status == "subscribed"
    response = client.post(url)

    assert b'id="unsubscribed"' in response.content
    assert Subscription.objects.get().status == "unsubscribed"


def test_the_form_does_not_tell_who_is_already_subscribed(client, owner):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="double")
    ann = SubscriberFactory(workspace=owner.workspace, email="ann@example.com")
    subscription_set(subscriber=ann, mailing_list=the_list, status="subscribed", source="admin")

    known = _subscribe(client, the_list, email="ann@example.com")
    unknown = _subscribe(client, the_list, email="zed@example.com")

    assert b'id="check-mail"' in known.content and b'id="check-mail"' in unknown.content


def test_the_form_is_rate_limited_per_address(client, owner, django_capture_on_commit_callbacks):
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, opt_in="double")

    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            _subscribe(client, the_list, email="victim@example.com").status_code for _ in range(5)
        ]

    assert codes[-1] == 429
    assert len(mail.outbox) <= 3


def test_the_opt_in_mail_is_plain_text_with_the_list_name_as_written(
    client, owner, django_capture_on_commit_callbacks
):
    the_list = MailingListFactory(
        workspace=owner.workspace, name="Bob's news & offers", is_public=True, opt_in="double"
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("public_list", args=[the_list.public_id]),
            {"email": "ann@example.com", "full_name": "Ann"},
        )

    sent = mail.outbox[0]
    assert sent.subject.endswith("Bob's news & offers")
    assert "“Bob's news & offers”" in sent.body
