"""The schema says what the server does: shapes of bodies and every status code."""

import pytest

from postroom.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def _response_schema(schema, path, method, code):
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def test_campaign_links_are_a_list_in_the_schema_and_the_answer(schema, api, owner):
    campaign = CampaignFactory(workspace=owner.workspace)

    body = api(owner.user).get(f"/api/v1/campaigns/{campaign.pk}/links/").json()

    declared = _response_schema(schema, "/api/v1/campaigns/{id}/links/", "get", "200")
    assert declared["type"] == "array"
    assert isinstance(body, list)


def test_a_created_list_has_its_subscribed_count(api, owner):
    response = api(owner.user).post("/api/v1/lists/", {"name": "News"}, format="json")

    assert response.status_code == 201
    assert response.json()["subscribed"] == 0


def test_me_declares_that_a_user_may_have_no_default_workspace(schema, api, owner):
    owner.user.default_workspace = None
    owner.user.save()

    body = api(owner.user).get("/api/v1/me/").json()

    assert body["default_workspace"] is None
    assert schema["components"]["schemas"]["Me"]["properties"]["default_workspace"]["nullable"]


def test_every_operation_declares_its_errors_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = operation["responses"]
            assert {"400", "404"} <= codes.keys(), (method, path)
            if path != "/api/v1/auth/token/":  # the one public operation
                assert {"401", "403"} <= codes.keys(), (method, path)
            if method == "delete":
                assert "409" in codes, path
            assert codes["400"]["content"]["application/json"]["schema"] == error
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in token and "401" not in token
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"error"}
