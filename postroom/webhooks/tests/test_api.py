"""`/api/v1/webhooks/`: endpoints, secrets, test events and the log, for owners and admins only."""

import pytest
from django.utils import translation

from postroom.accounts.roles import Role
from postroom.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def test_an_owner_creates_reads_changes_and_deletes_an_endpoint(owner, api, receiver):
    client = api(owner.user, owner.workspace)

    created = client.post(
        URL,
        {"url": receiver.url, "description": "CRM", "event_types": ["opened", "clicked"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["is_active"] is True
    pk = body["id"]

    assert client.get(f"{URL}{pk}/secret/").json()["secret"] == body["secret"]
    assert "secret" not in client.get(f"{URL}{pk}/").json()
    changed = client.patch(f"{URL}{pk}/", {"event_types": ["delivered"]}, format="json")
    assert changed.status_code == 200 and changed.json()["event_types"] == ["delivered"]
    rotated = client.post(f"{URL}{pk}/rotate-secret/").json()["secret"]
    assert rotated != body["secret"]
    assert client.delete(f"{URL}{pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_a_test_event_is_sent_and_its_attempt_listed(
    owner, api, receiver, django_capture_on_commit_callbacks
):
    client = api(owner.user, owner.workspace)
    pk = client.post(URL, {"url": receiver.url, "event_types": ["opened"]}, format="json").json()[
        "id"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{URL}{pk}/test/")

    assert answer.status_code == 202 and answer.json()["event_type"] == "test"
    assert len(receiver.received) == 1
    [message] = client.get(f"{URL}{pk}/messages/").json()["results"]
    assert message["status"] == "sent" and message["attempt_log"][0]["status_code"] == 200
    assert client.get(f"{URL}{pk}/messages/?status=failed").json()["results"] == []
    assert client.get(f"{URL}{pk}/messages/?status=nonsense").status_code == 400


def test_a_disabled_endpoint_is_enabled_again(owner, api, endpoint_for, receiver):
    endpoint = endpoint_for(owner, receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="down", consecutive_failures=5
    )

    answer = api(owner.user, owner.workspace).post(f"{URL}{endpoint.pk}/enable/")

    assert answer.status_code == 200
    assert answer.json()["is_active"] is True and answer.json()["consecutive_failures"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://example.com/h", "event_types": []},
        {"url": "http://example.com/h", "event_types": ["nope"]},
        {"url": "not a url", "event_types": ["opened"]},
        {"url": "http://example.com/h", "event_types": ["test"]},
        {"event_types": ["opened"]},
    ],
)
def test_bad_input_is_a_400_in_the_one_error_shape(owner, api, body):
    answer = api(owner.user, owner.workspace).post(URL, body, format="json")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid"


def test_a_private_url_is_refused_when_not_allowed(owner, api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with translation.override("en"):
        answer = api(owner.user, owner.workspace).post(
            URL, {"url": "http://169.254.169.254/", "event_types": ["opened"]}, format="json"
        )
    assert answer.status_code == 400
    assert "private network" in answer.json()["error"]["fields"]["url"][0]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.MARKETER, Role.APPROVER])
def test_other_roles_may_not_see_or_manage_endpoints(owner, member, api, endpoint_for, role):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    someone = member(role, workspace=owner.workspace)
    client = api(someone.user, owner.workspace)

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{endpoint.pk}/secret/").status_code == 403
    assert (
        client.post(
            URL, {"url": "http://example.com/", "event_types": ["opened"]}, format="json"
        ).status_code
        == 403
    )
    assert client.post(f"{URL}{endpoint.pk}/rotate-secret/").status_code == 403


def test_an_admin_manages_endpoints(owner, member, api, endpoint_for):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    admin = member(Role.ADMIN, workspace=owner.workspace)
    assert api(admin.user, owner.workspace).get(f"{URL}{endpoint.pk}/secret/").status_code == 200


def test_a_disabled_endpoint_takes_no_test_event(owner, api, endpoint_for):
    endpoint = endpoint_for(owner, "http://127.0.0.1:9/hooks")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)

    answer = api(owner.user, owner.workspace).post(f"{URL}{endpoint.pk}/test/")

    assert answer.status_code == 400 and not endpoint.messages.exists()
