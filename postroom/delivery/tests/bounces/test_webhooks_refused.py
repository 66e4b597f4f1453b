"""Unauthenticated or malformed webhook calls are refused with a 4xx, never a 500.

A provider whose signing key is not configured cannot authenticate anyone, so
its endpoint refuses every call; a body that is not what the provider sends is
a bad request.
"""

import pytest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

PROVIDERS = [
    "mailgun",
    "amazon_ses",
    "mandrill",
    "postal",
    "mailersend",
    "mailtrap",
    "unisender_go",
    "resend",
    "mailjet",
    "postmark",
    "sendgrid",
    "brevo",
    "sparkpost",
]
BODIES = [
    ("application/json", "{}"),
    ("application/json", "[1, 2]"),
    ("application/json", "not json"),
    ("application/x-www-form-urlencoded", "a=1"),
]


@pytest.mark.parametrize("esp", PROVIDERS)
def test_an_unauthenticated_webhook_call_is_refused_not_an_error(client, settings, esp):
    client.raise_request_exception = False
    for anymail in ({"WEBHOOK_SECRET": "hook:s3cret"}, {}):
        settings.ANYMAIL = anymail
        for content_type, body in BODIES:
            response = client.post(
                f"/webhooks/anymail/{esp}/tracking/", body, content_type=content_type
            )

            assert response.status_code < 500, (anymail, body, response.content[:300])


def test_an_unconfigured_provider_says_so(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret"}

    response = client.post("/webhooks/anymail/mailgun/tracking/", "{}", "application/json")

    assert response.status_code == 403
    assert b"not configured" in response.content
