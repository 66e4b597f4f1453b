import re

import pytest
from django.core import mail
from django.urls import reverse

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _signup(client, email="new@example.com", password="a-Long-enough-pass-42"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def test_it_creates_the_user_and_a_personal_workspace_they_own(client):
    _signup(client)

    user = User.objects.get(email="new@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert membership.workspace.is_personal
    assert user.default_workspace == membership.workspace


def test_it_mails_a_verification_link_and_refuses_login_until_verified(client):
    _signup(client)
    client.logout()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link is not None

    response = client.post(
        reverse("account_login"), {"login": "new@example.com", "password": "a-Long-enough-pass-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    path = link.group(0).split("testserver", 1)[1]
    client.post(path)
    assert client.get(reverse("dashboard")).status_code == 200


def test_it_normalizes_email_case_so_duplicates_are_refused(client):
    _signup(client, email="Someone@Example.com")
    client.logout()
    # allauth answers as if it worked (no account enumeration) and mails the owner.
    _signup(client, email="someone@example.com")

    assert User.objects.filter(email__iexact="someone@example.com").count() == 1


def test_account_mail_comes_from_the_product_not_from_the_host(client):
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"},
        HTTP_HOST="127.0.0.1:8131",
    )

    body = mail.outbox[0].body
    assert body.startswith("Hello from Postroom!")
    assert "Thank you for using Postroom!" in body
    assert "from 127.0.0.1" not in body
