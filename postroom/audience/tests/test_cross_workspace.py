"""Another workspace's audience is invisible and unchangeable."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.audience.models import Import, MailingList, Subscriber
from postroom.audience.tests.factories import (
    CustomFieldFactory,
    MailingListFactory,
    SegmentFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ws = other_owner.workspace
    from postroom.audience.services.imports import import_upload

    return {
        "subscribers": SubscriberFactory(workspace=ws),
        "lists": MailingListFactory(workspace=ws),
        "segments": SegmentFactory(workspace=ws),
        "custom-fields": CustomFieldFactory(workspace=ws),
        "imports": import_upload(
            workspace=ws, user=None, upload=SimpleUploadedFile("x.csv", b"email\na@example.com\n")
        ),
    }


@pytest.mark.parametrize("kind", ["subscribers", "lists", "segments", "custom-fields", "imports"])
def test_foreign_objects_are_not_listed_or_found(api, owner, theirs, kind):
    client = api(owner.user)

    assert client.get(f"/api/v1/{kind}/").json()["count"] == 0
    assert client.get(f"/api/v1/{kind}/{theirs[kind].pk}/").status_code == 404


@pytest.mark.parametrize("kind", ["subscribers", "lists", "segments", "custom-fields"])
def test_foreign_objects_cannot_be_changed_or_deleted(api, owner, theirs, kind):
    client = api(owner.user)
    obj = theirs[kind]

    assert (
        client.patch(f"/api/v1/{kind}/{obj.pk}/", {"name": "x"}, format="json").status_code == 404
    )
    assert client.delete(f"/api/v1/{kind}/{obj.pk}/").status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_foreign_list_cannot_be_used_to_subscribe_or_import(api, owner, theirs):
    mine = SubscriberFactory(workspace=owner.workspace)
    client = api(owner.user)

    response = client.post(
        f"/api/v1/lists/{theirs['lists'].pk}/subscriptions/",
        {"subscriber": mine.pk, "status": "subscribed"},
        format="json",
    )
    created = client.post(
        "/api/v1/subscribers/",
        {"email": "new@example.com", "lists": [theirs["lists"].pk]},
        format="json",
    )
    imported = client.post(
        "/api/v1/imports/",
        {
            "file": SimpleUploadedFile("x.csv", b"email\nz@example.com\n"),
            "lists": [theirs["lists"].pk],
        },
        format="multipart",
    )

    assert response.status_code == 404
    assert created.status_code == 404
    assert imported.status_code == 404
    assert not MailingList.objects.get(pk=theirs["lists"].pk).subscriptions.exists()
    assert not Subscriber.objects.filter(email__in=["new@example.com", "z@example.com"]).exists()
    assert Import.objects.count() == 1


def test_a_foreign_subscriber_cannot_be_put_on_my_list(api, owner, theirs):
    mine = MailingListFactory(workspace=owner.workspace)

    response = api(owner.user).post(
        f"/api/v1/lists/{mine.pk}/subscriptions/",
        {"subscriber": theirs["subscribers"].pk, "status": "subscribed"},
        format="json",
    )

    assert response.status_code == 404


def test_a_foreign_segment_cannot_filter_my_subscribers(api, owner, theirs):
    response = api(owner.user).get(f"/api/v1/subscribers/?segment={theirs['segments'].pk}")

    assert response.status_code == 404


def test_another_workspaces_external_id_is_not_found_nor_changed(api, owner, other_owner):
    # given their push-only contact
    theirs = SubscriberFactory(workspace=other_owner.workspace, email=None, external_id="u1")
    client = api(owner.user)

    # when we look it up, and create ours with the same id
    found = client.get("/api/v1/subscribers/?external_id=u1").json()
    ours = client.post("/api/v1/subscribers/", {"external_id": "u1"}, format="json")

    # then theirs stays theirs and invisible; ours is a new contact
    assert found["count"] == 0
    assert ours.status_code == 201 and ours.json()["id"] != theirs.pk
    assert (
        client.patch(
            f"/api/v1/subscribers/{theirs.pk}/", {"external_id": "u2"}, format="json"
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.external_id == "u1"
