"""Every request is signed as Standard Webhooks say: the README's few lines and the official library agree."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from postroom.webhooks.services.endpoints import endpoint_secret, endpoint_test
from postroom.webhooks.services.send import endpoint_send

pytestmark = pytest.mark.django_db


def readme_verify() -> Any:
    """The signature check exactly as the README shows it."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Event webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # noqa: S102 - our own README
    return namespace["webhook_verify"]


def test_a_test_event_is_signed_verifiably_by_the_readme_and_the_library(
    owner, receiver, endpoint_for
):
    # given
    endpoint = endpoint_for(owner, receiver.url)
    secret = endpoint_secret(actor=owner, endpoint=endpoint)
    message = endpoint_test(actor=owner, endpoint=endpoint)

    # when
    endpoint_send(endpoint.pk)

    # then
    [request] = receiver.received
    assert secret.startswith("whsec_")
    assert request.headers["webhook-id"] == message.event_id
    assert readme_verify()(secret, request.headers, request.body)
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "test" and payload["data"]["endpoint_id"] == endpoint.pk
    assert json.loads(request.body) == message.payload


def test_a_tampered_body_or_another_secret_does_not_verify(owner, receiver, endpoint_for):
    endpoint = endpoint_for(owner, receiver.url)
    secret = endpoint_secret(actor=owner, endpoint=endpoint)
    endpoint_test(actor=owner, endpoint=endpoint)
    endpoint_send(endpoint.pk)
    [request] = receiver.received
    verify = readme_verify()

    assert not verify(secret, request.headers, request.body.replace(b"test", b"tost"))
    other = endpoint_for(owner, receiver.url)
    assert not verify(endpoint_secret(actor=owner, endpoint=other), request.headers, request.body)


def test_a_rotated_secret_signs_the_next_attempt(owner, receiver, endpoint_for):
    from postroom.webhooks.services.endpoints import endpoint_secret_rotate

    endpoint = endpoint_for(owner, receiver.url)
    old = endpoint_secret(actor=owner, endpoint=endpoint)
    new = endpoint_secret_rotate(actor=owner, endpoint=endpoint)
    endpoint_test(actor=owner, endpoint=endpoint)
    endpoint_send(endpoint.pk)

    [request] = receiver.received
    assert new != old and new == endpoint_secret(actor=owner, endpoint=endpoint)
    assert readme_verify()(new, request.headers, request.body)
    assert not readme_verify()(old, request.headers, request.body)
