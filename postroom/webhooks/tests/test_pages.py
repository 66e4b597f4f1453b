"""The webhook pages: owners and admins manage endpoints, see the log, reveal and rotate secrets."""

import pytest
from django.utils import translation

from postroom.accounts.roles import Role
from postroom.webhooks.models import WebhookEndpoint
from postroom.webhooks.services.endpoints import endpoint_secret

pytestmark = pytest.mark.django_db

BASE = "/app/settings/webhooks/"


def test_an_owner_adds_an_endpoint_and_sends_a_test_event(
    owner, login, receiver, django_capture_on_commit_callbacks
):
    browser = login(owner.user)
    with translation.override("en"):
        assert (
            'href="/app/settings/webhooks/"'
            in browser.get("/app/settings/relays/").content.decode()
        )
        form = browser.post(
            f"{BASE}new/",
            {"url": receiver.url, "description": "Our CRM", "event_types": ["opened", "clicked"]},
        )
    endpoint = WebhookEndpoint.objects.get()
    assert form.status_code == 302 and form["Location"] == f"{BASE}{endpoint.pk}/"
    assert endpoint.event_types == ["clicked", "opened"]

    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"{BASE}{endpoint.pk}/test/")

    with translation.override("en"):
        page = browser.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert len(receiver.received) == 1
    assert 'id="log"' in page and ">test<" in page and "text-bg-success" in page
    assert "Our CRM" in browser.get(BASE).content.decode()


def test_the_secret_is_revealed_and_rotated_on_request_only(owner, login, endpoint_for):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    secret = endpoint_secret(actor=owner, endpoint=endpoint)
    browser = login(owner.user)

    assert secret not in browser.get(f"{BASE}{endpoint.pk}/").content.decode()
    assert secret in browser.post(f"{BASE}{endpoint.pk}/secret/").content.decode()
    rotated = browser.post(f"{BASE}{endpoint.pk}/secret/", {"rotate": "1"}).content.decode()
    endpoint.refresh_from_db()
    new = endpoint_secret(actor=owner, endpoint=endpoint)
    assert new != secret and new in rotated


def test_a_bad_url_is_shown_on_the_form(owner, login, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with translation.override("en"):
        page = login(owner.user).post(
            f"{BASE}new/", {"url": "http://10.0.0.1/", "event_types": ["opened"]}
        )
    assert page.status_code == 200 and "private network" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_disabled_endpoint_says_why_and_is_enabled_again(owner, login, endpoint_for):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="5 messages in a row failed every retry"
    )
    browser = login(owner.user)

    assert "5 messages in a row" in browser.get(f"{BASE}{endpoint.pk}/").content.decode()
    browser.post(f"{BASE}{endpoint.pk}/enable/")

    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_an_endpoint_is_edited_and_deleted(owner, login, endpoint_for):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    browser = login(owner.user)

    browser.post(
        f"{BASE}{endpoint.pk}/edit/", {"url": "http://127.0.0.1:9/new", "event_types": ["bounced"]}
    )
    endpoint.refresh_from_db()
    assert endpoint.url.endswith("/new") and endpoint.event_types == ["bounced"]
    browser.post(f"{BASE}{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_viewers_and_editors_may_not_open_the_pages(owner, member, login, endpoint_for, role):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    someone = member(role, workspace=owner.workspace)
    browser = login(someone.user)

    assert browser.get(BASE).status_code == 403
    assert browser.post(f"{BASE}{endpoint.pk}/secret/").status_code == 403
    assert "/app/settings/webhooks/" not in browser.get("/app/campaigns/").content.decode()


def test_the_log_page_needs_a_fixed_number_of_queries(
    owner, login, endpoint_for, django_assert_max_num_queries
):
    from postroom.webhooks.services.endpoints import endpoint_test

    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    for _ in range(10):
        endpoint_test(actor=owner, endpoint=endpoint)
    browser = login(owner.user)
    browser.get(f"{BASE}{endpoint.pk}/")

    with django_assert_max_num_queries(12):
        assert browser.get(f"{BASE}{endpoint.pk}/").status_code == 200
