"""Nothing of another workspace's webhooks is reachable: not by id, not in lists, not by page."""

import pytest

from postroom.webhooks.models import WebhookEndpoint, WebhookMessage
from postroom.webhooks.services.endpoints import endpoint_test

pytestmark = pytest.mark.django_db

API = "/api/v1/webhooks/"


@pytest.fixture
def theirs(other_owner, endpoint_for):
    endpoint = endpoint_for(other_owner, "http://127.0.0.1:9/theirs")
    endpoint_test(actor=other_owner, endpoint=endpoint)
    return endpoint


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("put", ""),
        ("delete", ""),
        ("get", "secret/"),
        ("post", "rotate-secret/"),
        ("post", "test/"),
        ("post", "enable/"),
        ("get", "messages/"),
    ],
)
def test_the_api_does_not_find_another_workspaces_endpoint(owner, api, theirs, method, suffix):
    client = api(owner.user, owner.workspace)
    body = {"url": "http://example.com/", "event_types": ["opened"]}

    answer = getattr(client, method)(f"{API}{theirs.pk}/{suffix}", body, format="json")

    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.url.endswith("/theirs") and WebhookMessage.objects.count() == 1


def test_the_list_shows_only_the_workspaces_own(owner, api, theirs, endpoint_for):
    mine = endpoint_for(owner, "http://127.0.0.1:9/mine")
    listed = api(owner.user, owner.workspace).get(API).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]


def test_naming_another_workspace_in_the_header_is_refused(owner, other_owner, api, theirs):
    answer = api(owner.user, other_owner.workspace).get(API)
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "edit/"),
        ("post", "edit/"),
        ("post", "secret/"),
        ("post", "test/"),
        ("post", "enable/"),
        ("post", "delete/"),
    ],
)
def test_the_pages_do_not_find_another_workspaces_endpoint(owner, login, theirs, method, suffix):
    browser = login(owner.user)
    answer = getattr(browser, method)(f"/app/settings/webhooks/{theirs.pk}/{suffix}")
    assert answer.status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk, is_active=True).exists()
