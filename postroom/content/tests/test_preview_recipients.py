"""Previewing a message as any subscriber: found by a search, only in the workspace."""

import pytest
from django.urls import reverse

from postroom.audience.tests.factories import SubscriberFactory
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(owner):
    return MessageFactory(workspace=owner.workspace)


def test_it_finds_subscribers_by_address_or_name_beyond_the_newest(login, owner, message):
    old = SubscriberFactory(workspace=owner.workspace, email="zoe@old.example", full_name="Zoe Ray")
    for i in range(30):
        SubscriberFactory(workspace=owner.workspace, email=f"new{i}@example.com")
    client = login(owner.user)

    by_address = client.get(reverse("message_recipients", args=[message.pk]), {"q": "ZOE@"})
    by_name = client.get(reverse("message_recipients", args=[message.pk]), {"q": "ray"})
    page = client.get(reverse("message_edit", args=[message.pk])).content.decode()

    assert [s.pk for s in by_address.context["results"]] == [old.pk]
    assert [s.pk for s in by_name.context["results"]] == [old.pk]
    assert f'data-id="{old.pk}"' in by_address.content.decode()
    assert 'id="recipient-search"' in page
    assert "new29@example.com" not in page  # no list of the newest twenty any more


def test_it_shows_at_most_ten_and_says_when_nothing_matches(login, owner, message):
    for i in range(15):
        SubscriberFactory(workspace=owner.workspace, email=f"ann{i}@example.com")
    client = login(owner.user)

    many = client.get(reverse("message_recipients", args=[message.pk]), {"q": "ann"})
    none = client.get(reverse("message_recipients", args=[message.pk]), {"q": "nobody"})

    assert len(many.context["results"]) == 10
    assert none.context["results"] == [] and b"No subscriber matches" in none.content


def test_another_workspaces_subscribers_are_neither_found_nor_used(
    login, owner, other_owner, message
):
    theirs = SubscriberFactory(workspace=other_owner.workspace, email="secret@their.example")
    client = login(owner.user)

    found = client.get(reverse("message_recipients", args=[message.pk]), {"q": "secret"})
    preview = client.get(reverse("message_preview", args=[message.pk]), {"subscriber": theirs.pk})
    their_message = MessageFactory(workspace=other_owner.workspace)
    other_search = client.get(
        reverse("message_recipients", args=[their_message.pk]), {"q": "secret"}
    )

    assert found.context["results"] == []
    assert b"secret@their.example" not in found.content
    assert preview.status_code == 404
    assert other_search.status_code == 404
