"""Another workspace's devices, creatives, providers and keys: not found, not listed, not changed."""

import pytest

from postroom.audience.tests.factories import SubscriberFactory
from postroom.push.models import Creative, Device, PushProvider, RegistrationKey
from postroom.push.services.keys import registration_key_create
from postroom.push.services.providers import provider_save
from postroom.push.tests.factories import CreativeFactory, DeviceFactory


@pytest.fixture
def theirs(other_owner):
    workspace = other_owner.workspace
    return {
        "devices": DeviceFactory(workspace=workspace),
        "creatives": CreativeFactory(workspace=workspace),
        "providers": provider_save(
            workspace=workspace, provider=None, kind="webpush", secret=None, fields={}
        ),
        "registration-keys": registration_key_create(workspace=workspace, name="theirs")[0],
    }


@pytest.fixture
def client(owner, api):
    return api(owner.user, owner.workspace)


@pytest.mark.parametrize("name", ["devices", "creatives", "providers", "registration-keys"])
def test_other_workspaces_rows_are_not_listed_read_changed_or_deleted(client, theirs, name):
    row = theirs[name]
    url = f"/api/v1/push/{name}/"

    assert client.get(url).json()["count"] == 0
    assert client.get(f"{url}{row.pk}/").status_code == 404
    assert client.patch(f"{url}{row.pk}/", {"name": "mine"}, format="json").status_code in (
        404,
        405,
    )
    assert client.delete(f"{url}{row.pk}/").status_code == 404
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("name", ["devices", "creatives", "providers", "registration-keys"])
def test_naming_another_workspace_in_the_header_is_refused(owner, other_owner, api, theirs, name):
    client = api(owner.user, other_owner.workspace)

    assert client.get(f"/api/v1/push/{name}/").status_code == 403


def test_a_device_cannot_be_given_another_workspaces_subscriber(client, other_owner):
    stranger = SubscriberFactory(workspace=other_owner.workspace)

    answer = client.post(
        "/api/v1/push/devices/",
        {"subscriber": stranger.pk, "kind": "fcm", "token": "t"},
        format="json",
    )

    assert answer.status_code == 400
    assert not Device.objects.filter(subscriber=stranger).exists()


def test_the_same_token_in_two_workspaces_is_two_devices(client, owner, theirs):
    mine = SubscriberFactory(workspace=owner.workspace)
    token = theirs["devices"].token

    answer = client.post(
        "/api/v1/push/devices/",
        {"subscriber": mine.pk, "kind": "fcm", "token": token},
        format="json",
    )

    assert answer.status_code == 201
    assert Device.objects.filter(token=token).count() == 2
    theirs["devices"].refresh_from_db()
    assert theirs["devices"].subscriber.workspace_id != owner.workspace_id


def test_nothing_of_theirs_changed(theirs):
    assert (
        Creative.objects.count()
        == PushProvider.objects.count()
        == RegistrationKey.objects.count()
        == 1
    )


def test_a_subscriber_id_too_long_for_the_database_finds_nothing(owner, api):
    answer = api(owner.user, owner.workspace).get(
        "/api/v1/push/devices/?subscriber=99999999999999999999999"
    )
    assert answer.status_code == 200
    assert answer.json()["results"] == []
