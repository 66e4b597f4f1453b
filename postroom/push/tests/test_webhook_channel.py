"""The webhook channel: one signed POST per recipient, checked by a Standard Webhooks receiver."""

from postroom.delivery.transports.base import DeviceAddress, ResultKind
from postroom.push.models import PushProvider
from postroom.push.services.providers import provider_save
from postroom.push.tests.conftest import push_send
from postroom.push.tests.peers.server import Answer


def test_it_posts_one_signed_message_per_recipient(workspace, gateway):
    result = push_send(workspace.pk, "webhook", None, recipient="+15550100")
    second = push_send(workspace.pk, "webhook", DeviceAddress("chat-77"))

    assert (result.kind, second.kind) == (ResultKind.DELIVERED, ResultKind.DELIVERED)
    assert gateway.refused == 0
    first, other = gateway.accepted
    assert first["recipient"] == "+15550100" and first["device"] is None
    assert first["notification"]["title"] == "Spring sale"
    assert other["device"] == {"token": "chat-77", "app_id": ""}


def test_a_gateway_that_does_not_know_the_secret_refuses_it(workspace, gateway):
    provider = PushProvider.objects.get(workspace=workspace, kind="webhook")
    provider_save(
        workspace=workspace,
        provider=provider,
        kind="webhook",
        secret="whsec_" + "QUJD" * 8,
        fields={},
    )

    result = push_send(workspace.pk, "webhook", None, recipient="+15550100")

    assert gateway.refused == 1
    assert result.kind == ResultKind.RELAY_DOWN


def test_the_gateways_answers_are_classified_like_a_providers(workspace, gateway):
    gateway.answer = Answer(410, b"number disconnected")

    result = push_send(workspace.pk, "webhook", None, recipient="+15550100")

    assert result.kind == ResultKind.RECIPIENT_GONE


def test_a_webhook_into_a_private_network_is_refused_unless_allowed(workspace, gateway, settings):
    settings.PUSH_ALLOW_PRIVATE = False

    result = push_send(workspace.pk, "webhook", None, recipient="+15550100")

    assert result.kind == ResultKind.RELAY_DOWN
    assert "webhook URL refused" in result.response
    assert gateway.server.received == []
