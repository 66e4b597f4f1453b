"""The subscribers API takes contacts by email, by external id or both, and finds them by either."""

import csv
import io

import pytest
from django.utils import translation

from postroom.audience.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_push_only_contact(api, owner):
    response = api(owner.user).post(
        "/api/v1/subscribers/", {"external_id": "user-42", "full_name": "Ann"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["external_id"]) == (None, "user-42")


def test_a_contact_without_any_identifier_is_a_400_in_the_error_shape(api, owner):
    client = api(owner.user)

    with translation.override("en"):
        empty = client.post("/api/v1/subscribers/", {"full_name": "Ann"}, format="json")
        nulls = client.post(
            "/api/v1/subscribers/", {"email": None, "external_id": None}, format="json"
        )

    for response in (empty, nulls):
        assert response.status_code == 400
        assert "email" in response.json()["error"]["fields"]


def test_a_duplicate_external_id_is_a_400_on_the_field(api, owner):
    client = api(owner.user)
    client.post("/api/v1/subscribers/", {"external_id": "u1"}, format="json")

    response = client.post("/api/v1/subscribers/", {"external_id": "u1"}, format="json")

    assert response.status_code == 400
    assert "external_id" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["a\nb", "x" * 256, ["u1"], {"a": 1}])
def test_odd_external_ids_are_400s(api, owner, value):
    response = api(owner.user).post("/api/v1/subscribers/", {"external_id": value}, format="json")

    assert response.status_code == 400
    assert "external_id" in response.json()["error"]["fields"]


def test_it_finds_a_contact_by_external_id_and_by_email(api, owner):
    ann = SubscriberFactory(workspace=owner.workspace, email="ann@example.com", external_id="u1")
    SubscriberFactory(workspace=owner.workspace, external_id="U1", email=None)
    client = api(owner.user)

    by_id = client.get("/api/v1/subscribers/?external_id=u1").json()
    by_email = client.get("/api/v1/subscribers/?email=ANN@example.com").json()

    assert [s["id"] for s in by_id["results"]] == [ann.pk]
    assert [s["id"] for s in by_email["results"]] == [ann.pk]


def test_patch_adds_an_email_to_a_push_only_contact_and_can_remove_it(api, owner):
    contact = SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1")
    client = api(owner.user)

    added = client.patch(
        f"/api/v1/subscribers/{contact.pk}/", {"email": "ann@example.com"}, format="json"
    )
    removed = client.patch(f"/api/v1/subscribers/{contact.pk}/", {"email": None}, format="json")
    orphaned = client.patch(
        f"/api/v1/subscribers/{contact.pk}/", {"external_id": None}, format="json"
    )

    assert added.json()["email"] == "ann@example.com"
    assert removed.status_code == 200 and removed.json()["email"] is None
    assert orphaned.status_code == 400


def test_the_export_has_the_external_id(api, owner):
    SubscriberFactory(workspace=owner.workspace, email=None, external_id="u1", full_name="Ann")

    response = api(owner.user).get("/api/v1/subscribers/export/")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["email", "external_id", "full_name"], ["", "u1", "Ann"]]


def test_list_members_show_the_external_id(api, owner):
    from postroom.audience.models import MailingList
    from postroom.audience.services.subscribers import subscriber_create

    the_list = MailingList.objects.create(workspace=owner.workspace, name="News")
    subscriber_create(workspace=owner.workspace, external_id="u1", lists=[the_list])

    body = api(owner.user).get(f"/api/v1/lists/{the_list.pk}/subscriptions/").json()

    assert [(r["email"], r["external_id"]) for r in body["results"]] == [(None, "u1")]
