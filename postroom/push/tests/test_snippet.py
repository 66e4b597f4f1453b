"""The web snippet and service worker: the workspace's VAPID key, the registration key, permission on a click."""

from postroom.push.services.keys import registration_key_create
from postroom.push.services.providers import provider_save


def test_the_snippet_carries_the_workspaces_vapid_key_and_asks_on_a_click(client, workspace):
    provider = provider_save(
        workspace=workspace, provider=None, kind="webpush", secret=None, fields={}
    )
    _key, raw = registration_key_create(workspace=workspace, name="site")

    answer = client.get("/push/snippet.js", {"key": raw})

    js = answer.content.decode()
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/javascript")
    assert provider.vapid_public_key in js and raw in js
    assert "/api/v1/push/devices/register/" in js
    # permission is asked inside the click handler only
    assert js.index('addEventListener("click"') < js.rindex("subscribe()")
    assert js.count("requestPermission") == 1


def test_an_unknown_key_or_a_workspace_without_web_push_gets_no_snippet(client, workspace):
    _key, raw = registration_key_create(workspace=workspace, name="site")

    assert client.get("/push/snippet.js", {"key": raw}).status_code == 404
    assert client.get("/push/snippet.js", {"key": "prk_nope"}).status_code == 404


def test_the_service_worker_shows_the_notification_and_opens_its_url(client):
    js = client.get("/push/sw.js").content.decode()

    assert "showNotification" in js and "openWindow" in js


def test_the_registration_endpoint_answers_a_browsers_preflight(client):
    answer = client.options(
        "/api/v1/push/devices/register/",
        HTTP_ORIGIN="https://shop.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in answer["Access-Control-Allow-Headers"]
