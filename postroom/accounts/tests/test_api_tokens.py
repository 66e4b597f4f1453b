import pytest
from django.urls import reverse

from postroom.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_unverified_user_gets_no_token(api):
    user = UserFactory(verified=False)

    response = api().post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "Verify your email" in response.json()["error"]["message"]


def test_changing_the_password_revokes_api_tokens(api, client, owner):
    token_client = api(owner.user)
    assert token_client.get("/api/v1/me/").status_code == 200
    client.force_login(owner.user)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "an-Other-pass-99", "password2": "an-Other-pass-99"},
    )

    assert token_client.get("/api/v1/me/").status_code == 401


def test_forged_forwarded_for_headers_do_not_reset_the_throttle(api, owner):
    client = api()
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"email": owner.user.email, "password": "guess"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        ).status_code
        for i in range(11)
    ]

    assert codes[-1] == 429


def test_guesses_against_one_account_are_limited_across_addresses(api, owner):
    client = api()
    codes = [
        client.post(
            "/api/v1/auth/token/",
            {"email": owner.user.email, "password": "guess"},
            format="json",
            REMOTE_ADDR=f"192.0.2.{i}",
        ).status_code
        for i in range(11)
    ]

    assert codes[-1] == 429


def test_unknown_api_paths_answer_in_the_error_format(api, owner):
    response = api(owner.user).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
