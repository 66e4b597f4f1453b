"""Transactional templates are content messages of their own kind, made through the messages API."""

import pytest
from django.utils import translation

from postroom.content.models import Message, MessageKind

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "name": "Password reset",
    "subject": "Reset your password",
    "from_email": "accounts@example.com",
    "body": "<p><a href='{{ reset_url }}'>Reset</a></p>",
}


def test_a_transactional_template_declares_its_variables_and_exemption(api, owner):
    response = api(owner.user).post(
        "/api/v1/messages/",
        {
            **TEMPLATE,
            "kind": "transactional",
            "required_variables": ["reset_url", "reset_url"],
            "suppression_exempt": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    message = Message.objects.get()
    assert message.kind == MessageKind.TRANSACTIONAL
    assert (message.required_variables, message.suppression_exempt) == (["reset_url"], True)


def test_a_variable_name_must_be_an_identifier_and_not_a_reserved_one(api, owner):
    with translation.override("en"):
        response = api(owner.user).post(
            "/api/v1/messages/",
            {
                **TEMPLATE,
                "kind": "transactional",
                "required_variables": ["ok", "no-dash", "subscriber"],
            },
            format="json",
        )

    assert response.status_code == 400
    (error,) = response.json()["error"]["fields"]["required_variables"]
    assert "no-dash, subscriber" in error


def test_a_campaign_cannot_use_a_transactional_template(login, owner):
    from postroom.campaigns.forms import CampaignForm  # noqa: F401 (the form's message choices)
    from postroom.transactional.tests.factories import TxTemplateFactory

    TxTemplateFactory(workspace=owner.workspace, name="Receipt only")

    page = login(owner.user).get("/app/campaigns/new/").content.decode()

    assert "Receipt only" not in page


def test_only_owners_and_admins_may_exempt_a_template_from_suppression(api, owner, member):
    from postroom.accounts.roles import Role

    editor = member(Role.EDITOR, workspace=owner.workspace)
    body = {**TEMPLATE, "kind": "transactional", "suppression_exempt": True}

    response = api(editor.user, owner.workspace).post("/api/v1/messages/", body, format="json")

    assert response.status_code == 400
    assert "suppression_exempt" in response.json()["error"]["fields"]
    assert not Message.objects.exists()
