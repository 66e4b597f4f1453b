"""Creatives: personalized through the sandboxed templates, refused at save time when a platform would refuse them."""

import pytest
from django.utils import translation
from jinja2.exceptions import SecurityError

from postroom.accounts.roles import Role
from postroom.content.rendering import recipient_context
from postroom.push.models import Creative
from postroom.push.services.creatives import creative_notification
from postroom.push.tests.factories import CreativeFactory

URL = "/api/v1/push/creatives/"
GOOD = {
    "name": "Sale",
    "title": "Hi {{ subscriber.first_name }}",
    "body": "20% off for you",
    "click_url": "myapp://sale?u={{ subscriber.email }}",
    "data": {"campaign": "spring"},
    "ttl": 3600,
    "urgency": "high",
    "collapse_key": "sale",
}


@pytest.fixture
def client(owner, api):
    return api(owner.user, owner.workspace)


def test_it_saves_a_creative_and_previews_it_for_a_sample_recipient(client):
    created = client.post(URL, GOOD, format="json")

    assert created.status_code == 201
    preview = client.get(f"{URL}{created.json()['id']}/preview/").json()
    assert preview["title"] == "Hi Jane"
    assert preview["click_url"] == "myapp://sale?u=jane@example.com"
    assert [p["kind"] for p in preview["platforms"]] == ["webpush", "fcm", "apns", "onesignal"]
    assert all(0 < p["size"] <= p["limit"] for p in preview["platforms"])


def test_it_renders_for_each_recipient_in_the_sandbox(workspace):
    creative = CreativeFactory(workspace=workspace, title="{{ subscriber.first_name }}!")
    escape = CreativeFactory(workspace=workspace, title="{{ ''.__class__ }}")
    context = recipient_context(email="bo@example.com", full_name="Bo Li")

    assert creative_notification(creative, context).title == "Bo!"
    with pytest.raises(SecurityError):
        creative_notification(escape, context)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"body": "x" * 1990, "data": {"b": "y" * 2000}},
            "__all__",
            "for Web Push, which takes at most 3993",
        ),
        ({"data": {"blob": "y" * 4100}}, "__all__", "bytes for APNs, which takes at most 4096"),
        ({"title": "{% for %}"}, "title", "Line 1"),
        ({"data": ["not", "an", "object"]}, "data", "JSON object"),
        ({"data": {"aps": {}, "google.c.a": 1, "ok": 2}}, "data", "aps, google.c.a"),
        ({"data": {"a\u0000": "b\u0000"}}, "data", "NUL"),
        ({"title": "t" * 251}, "title", "250"),
        ({"icon_url": "javascript:alert(1)"}, "icon_url", "valid URL"),
        ({"ttl": 10**9}, "ttl", "2419200"),
    ],
)
def test_a_creative_a_platform_would_refuse_is_not_saved(client, change, field, words):
    with translation.override("en"):
        answer = client.post(URL, GOOD | change, format="json")

    assert answer.status_code == 400
    assert words in str(answer.json())
    assert field in answer.json()["error"]["fields"]
    assert not Creative.objects.exists()


def test_viewers_read_creatives_and_cannot_write_them(member, api, workspace):
    viewer = member(Role.VIEWER)
    CreativeFactory(workspace=viewer.workspace)
    client = api(viewer.user, viewer.workspace)

    assert client.get(URL).json()["count"] == 1
    assert client.post(URL, GOOD, format="json").status_code == 403
