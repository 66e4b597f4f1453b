"""No request goes into the server's own networks unless the installation allows it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from postroom.webhooks.models import WebhookAttempt
from postroom.webhooks.services.endpoints import endpoint_save, endpoint_test
from postroom.webhooks.services.send import endpoint_send
from postroom.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hooks",
        "http://localhost:9000/hooks",  # a name resolving to loopback
        "http://100.64.0.1/",
    ],
)
def test_private_addresses_are_refused_when_saved(owner, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        endpoint_save(actor=owner, url=url, event_types=["delivered"])
    assert "private network" in str(refused.value.message_dict["url"])


@pytest.mark.parametrize("url", ["ftp://example.com/x", "https://user:pw@example.com/", "nothing"])
def test_only_plain_http_urls_are_taken(owner, url):
    with pytest.raises(ValidationError):
        endpoint_save(actor=owner, url=url, event_types=["delivered"])


def test_a_saved_endpoint_is_checked_again_after_resolving_at_send_time(
    owner, receiver, endpoint_for, settings
):
    # given an endpoint saved while private addresses were allowed (or a name that now
    # resolves to loopback: the check runs on the addresses the send would use)
    endpoint = endpoint_for(owner, receiver.url.replace("127.0.0.1", "localhost"))
    endpoint_test(actor=owner, endpoint=endpoint)
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    with translation.override("en"):
        endpoint_send(endpoint.pk)

    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "private network" in attempt.error


def test_redirects_are_not_followed(owner, receiver, endpoint_for):
    # given a receiver that redirects to another one (which would accept anything)
    inner = Receiver().start()
    try:
        receiver.answers = [302]
        receiver.location = inner.url
        endpoint = endpoint_for(owner, receiver.url)
        endpoint_test(actor=owner, endpoint=endpoint)

        endpoint_send(endpoint.pk)

        assert len(receiver.received) == 1 and inner.received == []
        attempt = WebhookAttempt.objects.get()
        assert attempt.status_code == 302 and attempt.error == "redirect not followed"
        assert endpoint.messages.get().status == "pending"  # a failure, retried later
    finally:
        inner.stop()


def test_a_host_name_is_sent_with_its_own_host_header(owner, receiver, endpoint_for):
    endpoint = endpoint_for(owner, receiver.url.replace("127.0.0.1", "localhost"))
    endpoint_test(actor=owner, endpoint=endpoint)

    endpoint_send(endpoint.pk)

    [request] = receiver.received
    assert request.headers["host"].startswith("localhost:")


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://example.com:99999/", "http://exa mple.com/", "http:///x"]
)
def test_malformed_urls_are_refused_not_crashed_on(owner, url):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        endpoint_save(actor=owner, url=url, event_types=["delivered"])
    assert "http or https" in str(refused.value.message_dict["url"])
