"""The push pages: devices, creatives with their preview, providers and keys; linked in the navigation."""

import pytest
from django.utils import translation

from postroom.accounts.roles import Role
from postroom.push.models import Creative, PushProvider, RegistrationKey
from postroom.push.tests.factories import CreativeFactory, DeviceFactory


@pytest.fixture
def page(owner, login):
    return login(owner.user)


def test_the_navigation_links_the_push_pages(page):
    html = page.get("/app/push/creatives/").content.decode()

    for url in ("/app/push/creatives/", "/app/push/devices/", "/app/push/providers/"):
        assert url in html


def test_it_lists_devices_with_their_state(page, owner, django_assert_max_num_queries):
    for n in range(5):
        DeviceFactory(workspace=owner.workspace, is_valid=n != 0, invalid_reason="410 Unregistered")
    page.get("/app/push/devices/")  # the session and the workspace's first reads

    with django_assert_max_num_queries(12):
        html = page.get("/app/push/devices/", {"valid": "false"}).content.decode()

    assert "410 Unregistered" in html


def test_it_saves_a_creative_and_refuses_one_too_large(page, owner):
    form = {
        "name": "Sale",
        "title": "Hi {{ subscriber.first_name }}",
        "body": "Off",
        "data": "{}",
        "ttl": 60,
        "urgency": "normal",
    }

    saved = page.post("/app/push/creatives/new/", form)
    with translation.override("en"):
        refused = page.post(
            "/app/push/creatives/new/", form | {"data": '{"x": "%s"}' % ("y" * 4100)}
        )

    assert saved.status_code == 302
    assert "which takes at most" in refused.content.decode()
    assert Creative.objects.count() == 1


def test_the_preview_shows_phone_and_desktop_cards_as_typed(page):
    html = page.post(
        "/app/push/creatives/preview/",
        {
            "title": "Hi {{ subscriber.first_name }}",
            "body": "B",
            "data": "{}",
            "ttl": 60,
            "urgency": "normal",
        },
    ).content.decode()

    assert 'id="preview-phone"' in html and 'id="preview-desktop"' in html
    assert "Hi Jane" in html


def test_it_sets_up_web_push_and_makes_a_key_shown_once(page, owner):
    page.post(
        "/app/push/providers/webpush/",
        {"is_active": "on", "vapid_subject": "mailto:a@example.com", "secret": ""},
    )
    answer = page.post("/app/push/providers/keys/", {"name": "site"}, follow=True)

    provider = PushProvider.objects.get(workspace=owner.workspace)
    assert provider.vapid_public_key in answer.content.decode()
    key = RegistrationKey.objects.get()
    assert key.prefix in answer.content.decode() and "prk_" in answer.content.decode()


def test_an_unknown_provider_kind_is_not_found(page):
    assert page.get("/app/push/providers/pager/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/app/push/providers/", "/app/push/providers/fcm/", "/app/push/creatives/new/"]
)
def test_viewers_cannot_open_the_settings_or_write(member, login, url):
    viewer = member(Role.VIEWER)

    assert login(viewer.user).get(url).status_code == 403


def test_other_workspaces_creatives_and_devices_are_not_found(page, other_owner):
    creative = CreativeFactory(workspace=other_owner.workspace)
    device = DeviceFactory(workspace=other_owner.workspace)

    assert page.get(f"/app/push/creatives/{creative.pk}/").status_code == 404
    assert page.post(f"/app/push/creatives/{creative.pk}/delete/").status_code == 404
    assert page.post(f"/app/push/devices/{device.pk}/delete/").status_code == 404
