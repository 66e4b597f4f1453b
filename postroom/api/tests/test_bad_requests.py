"""Requests that used to end in a 500 get a 4xx in the API's error shape."""

import io

import pytest
from django.test import Client

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.models import Message
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    error = response.json()["error"]
    assert error["status"] == status
    return error


@pytest.mark.parametrize("depth", [100_000, 900])
def test_it_refuses_json_nested_too_deeply(api, owner, depth):
    body = "[" * depth + "]" * depth

    response = api(owner.user).post("/api/v1/lists/", body, content_type="application/json")

    error = _error(response, 400)
    assert error["code"] == "parse_error"
    assert "nested" in error["message"]


def test_json_nested_a_few_levels_is_still_read(api, owner):
    response = api(owner.user).post(
        "/api/v1/lists/", {"name": "Nested", "description": ""}, format="json"
    )

    assert response.status_code == 201


def test_it_refuses_deep_json_with_debug_off_too(owner, settings):
    settings.DEBUG = False
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=owner.user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", raise_request_exception=False)

    response = client.post("/api/v1/lists/", "[" * 5000, content_type="application/json")

    _error(response, 400)


@pytest.mark.parametrize("header", ["99999999999999999999999", "-1", "1e3", "ab"])
def test_an_impossible_x_workspace_is_refused(api, owner, header):
    client = api(owner.user)
    client.defaults["HTTP_X_WORKSPACE"] = header

    response = client.get("/api/v1/lists/")

    error = _error(response, 403)
    assert "not a member" in error["message"]


def _csv(content: bytes, name: str = "people.csv") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.mark.parametrize("mapping", ['["email"]', '"email"', "3", '{"email": ["email"]}'])
def test_an_import_mapping_that_is_not_an_object_of_names_is_refused(api, owner, mapping):
    response = api(owner.user).post(
        "/api/v1/imports/",
        {"file": _csv(b"email\na@example.com\n"), "mapping": mapping},
        format="multipart",
    )

    error = _error(response, 400)
    assert "mapping" in error["fields"]


def test_a_csv_with_bare_carriage_returns_is_imported(api, owner):
    response = api(owner.user).post(
        "/api/v1/imports/",
        {"file": _csv(b"email,name\ra@example.com,Ann\rb@example.com,Bob\r")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["mapping"] == {"email": "email", "name": "full_name"}


def test_deleting_a_message_a_campaign_uses_is_a_conflict(api, owner):
    message = MessageFactory(workspace=owner.workspace)
    CampaignFactory(workspace=owner.workspace, message=message, name="Spring sale")

    response = api(owner.user).delete(f"/api/v1/messages/{message.pk}/")

    error = _error(response, 409)
    assert error["code"] == "protected"
    assert "Spring sale" in error["message"]
    assert Message.objects.filter(pk=message.pk).exists()


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/api/v1/subscribers/", {"email": "a@example.com", "attributes": True}, "attributes"),
        ("/api/v1/subscribers/", {"email": "a@example.com", "attributes": [1]}, "attributes"),
        ("/api/v1/custom-fields/", {"name": "f", "type": "text", "choices": True}, "choices"),
        ("/api/v1/custom-fields/", {"name": "f", "type": "text", "choices": {"a": 1}}, "choices"),
    ],
)
def test_json_fields_of_the_wrong_type_are_refused(api, owner, path, data, field):
    response = api(owner.user).post(path, {"label": "F", **data}, format="json")

    error = _error(response, 400)
    assert field in error["fields"]


def test_form_encoded_json_fields_are_not_a_server_error(api, owner):
    # As schemathesis sent them: `true` where an object or a list belongs.
    client = api(owner.user)

    subscriber = client.post(
        "/api/v1/subscribers/", {"email": "a@example.com", "attributes": "true"}, format="multipart"
    )
    field = client.post(
        "/api/v1/custom-fields/",
        {"name": "f", "label": "F", "type": "text", "choices": "true"},
        format="multipart",
    )

    assert subscriber.status_code == 201  # form encoding names keys as attributes.<name>
    assert field.status_code == 201 and field.json()["choices"] == ["true"]


@pytest.mark.parametrize("query", ["status=%00x", "search=a%00b", "list=1%00"])
def test_a_nul_in_a_query_parameter_is_refused(api, owner, query):
    # PostgreSQL refuses NUL in text: this was a 500 there (found by schemathesis).
    response = api(owner.user).get(f"/api/v1/subscribers/?{query}")

    error = _error(response, 400)
    assert "query" in error["fields"]
