"""A message's test send is delivery's code at the addresses it always had."""

import pytest
from django.urls import resolve, reverse

from postroom.content.tests.factories import MessageFactory
from postroom.delivery import apis, testsend_views

pytestmark = pytest.mark.django_db


def test_it_keeps_the_page_address_and_name():
    assert reverse("message_test_send", args=[7]) == "/app/messages/7/test/"
    assert resolve("/app/messages/7/test/").func is testsend_views.message_test_send_view


def test_it_keeps_the_api_address_and_name():
    assert reverse("message-test-send", kwargs={"pk": 7}) == "/api/v1/messages/7/test-send/"
    assert resolve("/api/v1/messages/7/test-send/").func.cls is apis.MessageTestSendApi


def test_it_answers_only_post_and_options(api, owner):
    client = api(owner.user)
    message = MessageFactory(workspace=owner.workspace)
    url = f"/api/v1/messages/{message.pk}/test-send/"

    assert client.get(url).status_code == 405
    assert client.patch(url, {}, format="json").status_code == 405
    options = client.options(url)
    assert options.status_code == 200 and "POST" in options.json()["actions"]


def test_it_finds_no_message_of_another_workspace(api, owner, other_owner):
    theirs = MessageFactory(workspace=other_owner.workspace)

    response = api(owner.user).post(
        f"/api/v1/messages/{theirs.pk}/test-send/", {"to": ["qa@example.com"]}, format="json"
    )

    assert response.status_code == 404
