"""`field__any` finds what `field__in` finds, with the values sent as one array on PostgreSQL."""

import pytest

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.audience.models import Subscriber

pytestmark = pytest.mark.django_db


def test_it_matches_what_in_matches_for_numbers_text_and_foreign_keys():
    # given subscribers in two workspaces
    first, second = WorkspaceFactory(), WorkspaceFactory()
    people = [
        Subscriber.objects.create(workspace=ws, email=f"p{n}@example.com")
        for n, ws in enumerate([first, first, second])
    ]
    ids = [people[0].pk, people[2].pk, 10**9]
    emails = ["p1@example.com", "p2@example.com", "nobody@example.com"]

    # when / then
    assert set(Subscriber.objects.filter(pk__any=ids)) == set(Subscriber.objects.filter(pk__in=ids))
    assert set(Subscriber.objects.filter(email__any=emails)) == {people[1], people[2]}
    assert set(Subscriber.objects.filter(workspace__any=[second.pk])) == {people[2]}
    assert set(Subscriber.objects.filter(workspace_id__any=[first.pk])) == {people[0], people[1]}


def test_an_empty_list_matches_nothing():
    Subscriber.objects.create(workspace=WorkspaceFactory(), email="a@example.com")

    assert not Subscriber.objects.filter(pk__any=[]).exists()
    assert Subscriber.objects.exclude(pk__any=[]).count() == 1
