"""The subscriber pages create, list and show contacts known by an external id only."""

import pytest
from django.urls import reverse
from django.utils import translation

from postroom.audience.models import Subscriber
from postroom.audience.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(login, owner):
    return login(owner.user)


def test_the_form_creates_a_push_only_contact(editor, owner):
    response = editor.post(
        reverse("subscriber_create"), {"email": "", "external_id": "u1", "status": "active"}
    )

    contact = Subscriber.objects.get(workspace=owner.workspace)
    assert response.status_code == 302
    assert (contact.email, contact.external_id) == (None, "u1")


def test_the_form_asks_for_one_identifier_at_least(editor):
    with translation.override("en"):
        response = editor.post(reverse("subscriber_create"), {"email": "", "status": "active"})

    assert response.status_code == 200
    assert "Give an email address or an external id." in response.content.decode()


def test_list_and_detail_show_the_external_id_of_a_contact_without_email(editor, owner):
    contact = SubscriberFactory(workspace=owner.workspace, email=None, external_id="user-77")

    with translation.override("en"):
        listing = editor.get(reverse("subscriber_list")).content.decode()
        detail = editor.get(reverse("subscriber_detail", args=[contact.pk])).content.decode()
        searched = editor.get(reverse("subscriber_list"), {"q": "user-77"})

    assert "user-77" in listing and "no email" in listing
    assert "user-77" in detail and "None" not in detail.split("<h1", 1)[1].split("</h1>")[0]
    assert list(searched.context["subscribers"]) == [contact]


def test_the_detail_page_saves_an_email_onto_a_push_only_contact(editor, owner):
    contact = SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1")

    editor.post(
        reverse("subscriber_detail", args=[contact.pk]),
        {"email": "ann@example.com", "external_id": "u1", "status": "active"},
    )

    contact.refresh_from_db()
    assert (contact.email, contact.external_id) == ("ann@example.com", "u1")


def test_the_russian_pages_name_the_external_id(editor, owner):
    SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1")

    with translation.override("ru"):
        page = editor.get(reverse("subscriber_create"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Внешний" in page
