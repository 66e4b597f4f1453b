import pytest

from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_for_email_and_password(api, owner):
    response = api().post(
        "/api/v1/auth/token/", {"email": owner.user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_a_wrong_password_gets_the_error_format(api, owner):
    response = api().post(
        "/api/v1/auth/token/", {"email": owner.user.email, "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert "Wrong email or password" in error["message"]


def test_me_lists_the_users_workspaces_with_roles(api, owner, member):
    member(Role.VIEWER, user=owner.user)

    body = api(owner.user).get("/api/v1/me/").json()

    assert body["email"] == owner.user.email
    assert body["default_workspace"] == owner.workspace_id
    assert sorted(w["role"] for w in body["workspaces"]) == ["owner", "viewer"]


def test_anonymous_requests_are_refused(api):
    response = api().get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_x_workspace_header_chooses_the_workspace(api, owner, member):
    other = member(Role.VIEWER, user=owner.user)

    body = api(owner.user, workspace=other.workspace).get("/api/v1/members/").json()

    assert [m["role"] for m in body["results"]] == ["viewer"]


def test_lists_are_paginated_with_count_next_previous_results(api, owner, member):
    for _ in range(3):
        member(Role.VIEWER, workspace=owner.workspace)

    body = api(owner.user).get("/api/v1/members/?page_size=2").json()

    assert body["count"] == 4
    assert body["next"] and body["previous"] is None
    assert len(body["results"]) == 2


def test_an_owner_invites_and_changes_roles_through_the_api(
    api, owner, member, mailoutbox, django_capture_on_commit_callbacks
):
    client = api(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/invitations/", {"email": "new@example.com", "role": "editor"}, format="json"
        )
    assert response.status_code == 201
    assert mailoutbox[0].to == ["new@example.com"]

    viewer = member(Role.VIEWER, workspace=owner.workspace)
    response = client.patch(f"/api/v1/members/{viewer.pk}/", {"role": "approver"}, format="json")
    assert response.json()["role"] == "approver"


def test_a_viewer_cannot_invite_through_the_api(api, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    response = api(viewer.user, workspace=owner.workspace).post(
        "/api/v1/invitations/", {"email": "new@example.com", "role": "viewer"}, format="json"
    )

    assert response.status_code == 403


def test_a_viewer_cannot_rename_the_workspace_through_the_api(api, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    response = api(viewer.user).patch(
        f"/api/v1/workspaces/{owner.workspace_id}/", {"name": "x"}, format="json"
    )

    assert response.status_code == 403


def test_the_schema_is_openapi_3_and_covers_the_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token/", "/api/v1/me/", "/api/v1/members/", "/api/v1/invitations/"):
        assert path in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_works_offline(client):
    content = client.get("/api/v1/docs/").content
    assert b"/static/drf_spectacular_sidecar/" in content


def test_password_guessing_on_the_token_endpoint_is_throttled(api, owner):
    client = api()
    codes = [
        client.post(
            "/api/v1/auth/token/", {"email": owner.user.email, "password": "guess"}, format="json"
        ).status_code
        for _ in range(11)
    ]

    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_the_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/imports/{id}/issues/" in (tmp_path / "schema.yaml").read_text()
