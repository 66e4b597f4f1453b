"""The push sandbox's demo page: it subscribes the user's demo contact and shows its sandbox inbox."""

import pytest
from django.utils import translation

from postroom.accounts.roles import Role
from postroom.audience.models import Subscription
from postroom.delivery.transports.base import DeviceAddress
from postroom.push.models import Device
from postroom.push.services.demo import DEMO_LIST_NAME, demo_device
from postroom.push.services.providers import provider_save
from postroom.push.tests.conftest import NOTE, push_send


@pytest.fixture(autouse=True)
def sandbox_on(settings, tmp_path):
    settings.PUSH_SANDBOX = True
    settings.PUSH_SANDBOX_DIR = tmp_path / "push"


@pytest.fixture
def page(owner, login):
    return login(owner.user)


def _device_address(device):
    return DeviceAddress(device.token, device.p256dh, device.auth)


def test_it_subscribes_a_demo_contact_on_the_demo_list_once(page, owner):
    first = page.post("/app/push/demo/subscribe/", {"locale": "en-GB", "time_zone": "Europe/Paris"})
    page.post("/app/push/demo/subscribe/", {"time_zone": "Mars/Olympus"})

    assert first.status_code == 302
    device = Device.objects.get(workspace=owner.workspace)
    assert device.kind == "webpush"
    assert "/push/sandbox/" in device.token
    assert (device.locale, device.time_zone) == ("en-GB", "Europe/Paris")
    subscription = Subscription.objects.get(subscriber=device.subscriber)
    assert subscription.mailing_list.name == DEMO_LIST_NAME
    assert device.subscriber.email is None


def test_the_page_shows_the_device_and_its_inbox_gives_only_new_notifications(page, owner):
    page.post("/app/push/demo/subscribe/")
    device = demo_device(workspace=owner.workspace, user=owner.user)
    push_send(owner.workspace.pk, "webpush", _device_address(device))

    html = page.get("/app/push/demo/").content.decode()
    push_send(owner.workspace.pk, "webpush", _device_address(device))
    after = html.split('data-after="')[1].split('"')[0]
    answer = page.get("/app/push/demo/inbox/", {"after": after}).json()

    assert f'data-device="{device.pk}"' in html
    assert [e["notification"] for e in answer["notifications"]] == [NOTE.display()]


def test_its_endpoint_answers_gone(client):
    assert client.post("/push/sandbox/abc").status_code == 410


def test_it_warns_when_the_workspace_has_web_push_settings(page, owner):
    provider_save(workspace=owner.workspace, provider=None, kind="webpush", secret=None, fields={})

    html = page.get("/app/push/demo/").content.decode()

    assert 'id="push-demo-not-sandboxed"' in html


def test_a_viewer_sees_the_page_but_cannot_subscribe(member, login):
    viewer = member(Role.VIEWER)
    client = login(viewer.user)

    with translation.override("en"):
        html = client.get("/app/push/demo/").content.decode()
    refused = client.post("/app/push/demo/subscribe/")

    assert "cannot subscribe" in html
    assert refused.status_code == 403
    assert not Device.objects.exists()


def test_another_workspace_never_sees_the_demo_devices_inbox(page, owner, other_owner, login):
    page.post("/app/push/demo/subscribe/")
    device = demo_device(workspace=owner.workspace, user=owner.user)
    push_send(owner.workspace.pk, "webpush", _device_address(device))

    theirs = login(other_owner.user)
    answer = theirs.get("/app/push/demo/inbox/").json()
    html = theirs.get("/app/push/demo/").content.decode()

    assert answer == {"notifications": []}
    assert "data-device" not in html


def test_the_same_user_in_another_workspace_has_another_demo_device(page, owner, member):
    elsewhere = member(Role.OWNER, user=owner.user)
    page.post("/app/push/demo/subscribe/")
    device = demo_device(workspace=owner.workspace, user=owner.user)
    push_send(owner.workspace.pk, "webpush", _device_address(device))

    assert demo_device(workspace=elsewhere.workspace, user=owner.user) is None
