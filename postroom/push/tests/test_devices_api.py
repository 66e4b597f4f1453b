"""Members manage the workspace's devices: list by kind and validity, add, change, delete."""

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import SubscriberFactory
from postroom.push.models import Device
from postroom.push.tests.factories import DeviceFactory

URL = "/api/v1/push/devices/"


def test_it_lists_devices_by_kind_and_validity_without_a_query_per_row(
    owner, api, django_assert_max_num_queries
):
    for n in range(6):
        DeviceFactory(workspace=owner.workspace, kind="fcm" if n % 2 else "apns", is_valid=n != 1)
    client = api(owner.user, owner.workspace)

    with django_assert_max_num_queries(8):
        page = client.get(URL, {"kind": "fcm", "valid": "false"}).json()

    assert page["count"] == 1
    assert "auth" not in page["results"][0]


def test_it_adds_changes_and_deletes_a_device(owner, api):
    subscriber = SubscriberFactory(workspace=owner.workspace)
    client = api(owner.user, owner.workspace)

    created = client.post(
        URL, {"subscriber": subscriber.pk, "kind": "fcm", "token": "t1"}, format="json"
    )
    changed = client.patch(
        f"{URL}{created.json()['id']}/", {"token": "t2", "locale": "ru-RU"}, format="json"
    )
    device = Device.objects.get()

    assert (created.status_code, changed.status_code) == (201, 200)
    assert (device.token, device.locale) == ("t2", "ru-RU")
    assert client.delete(f"{URL}{device.pk}/").status_code == 204
    assert not Device.objects.exists()


def test_a_token_another_device_has_is_refused_on_change(owner, api):
    DeviceFactory(workspace=owner.workspace, token="taken")
    other = DeviceFactory(workspace=owner.workspace, token="mine")

    answer = api(owner.user, owner.workspace).patch(
        f"{URL}{other.pk}/", {"token": "taken"}, format="json"
    )

    assert answer.status_code == 400 and "token" in answer.json()["error"]["fields"]


def test_viewers_see_devices_and_cannot_change_them(member, api):
    viewer = member(Role.VIEWER)
    device = DeviceFactory(workspace=viewer.workspace)
    client = api(viewer.user, viewer.workspace)

    assert client.get(URL).json()["count"] == 1
    assert client.delete(f"{URL}{device.pk}/").status_code == 403
