"""A new transport is one class and one registration: the engine sends through it unchanged.

`ChatGateway` stands for any channel to come (a push provider, a webhook): it
answers with the engine's result classes, and the engine, the policy and the
writer do the rest, with no SMTP anywhere.
"""

import pytest
from django.db import connection

from postroom.audience.models import Suppression
from postroom.campaigns.models import CampaignStatus
from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.limits import ConnectionSlots
from postroom.delivery.tests.factories import launched_run
from postroom.delivery.transports.base import (
    Capabilities,
    Outgoing,
    ResultKind,
    SendResult,
    TransportContext,
    transport_register,
)
from postroom.delivery.transports.relays import RelayConfig, relay_for_workspace
from postroom.reports.selectors import report_totals

pytestmark = pytest.mark.django_db

# What the gateway answers, by the recipient's number (person0, person1, ...).
ANSWERS = {
    1: (ResultKind.TEMPORARY, 429, "slow down"),
    2: (ResultKind.PERMANENT, 400, "message too large"),
    3: (ResultKind.RECIPIENT_GONE, 410, "unregistered"),
}


class ChatGateway:
    """A test-only transport: keeps what it is given and answers by recipient."""

    channel = "chat"
    instances: list["ChatGateway"] = []

    def __init__(self, relay: RelayConfig, context: TransportContext) -> None:
        self.relay, self.context = relay, context
        self.sent: list[Outgoing] = []
        self.flushed_in_transaction: list[bool] = []
        self.closed = False
        ChatGateway.instances.append(self)

    def capabilities(self) -> Capabilities:
        return Capabilities(channel=self.channel)

    def send(self, message: Outgoing) -> SendResult:
        self.sent.append(message)
        number = int(message.recipient.split("@")[0].removeprefix("person"))
        kind, code, text = ANSWERS.get(number, (ResultKind.DELIVERED, 200, "accepted"))
        return SendResult(kind, code, text, "post", duration_ms=3)

    def flush(self) -> None:
        self.flushed_in_transaction.append(connection.in_atomic_block)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def gateway(settings):
    transport_register("chat-gateway", ChatGateway)
    settings.DELIVERY_DEFAULT_RELAY_URL = "chat-gateway://gateway.test"
    ChatGateway.instances = []
    return ChatGateway


def test_it_is_chosen_by_the_installations_relay_url(gateway, owner):
    relay = relay_for_workspace(owner.workspace_id)

    assert relay.transport == "chat-gateway" and relay.name == "gateway.test"


def test_an_unknown_scheme_still_falls_back_to_the_sandbox(settings, owner):
    settings.DELIVERY_DEFAULT_RELAY_URL = "carrier-pigeon://loft"

    assert relay_for_workspace(owner.workspace_id).is_sandbox


def test_the_engine_sends_through_it_and_applies_its_result_classes(gateway, owner):
    campaign, run, subscribers = launched_run(owner.workspace, 5)

    report = run_send(run.pk)

    (transport,) = gateway.instances
    assert sorted(m.recipient for m in transport.sent) == sorted(s.email for s in subscribers)
    assert {m.delivery_id for m in transport.sent} == set(
        Delivery.objects.filter(run=run).values_list("pk", flat=True)
    )
    assert transport.context.workspace_id == owner.workspace_id
    assert transport.flushed_in_transaction == [True] and transport.closed
    status = dict(Delivery.objects.filter(run=run).values_list("email", "status"))
    assert status == {
        "person0@example.com": DeliveryStatus.SENT,
        "person1@example.com": DeliveryStatus.DEFERRED,
        "person2@example.com": DeliveryStatus.FAILED,
        "person3@example.com": DeliveryStatus.FAILED,
        "person4@example.com": DeliveryStatus.SENT,
    }
    assert (report.sent, report.deferred, report.failed) == (2, 1, 2)
    # Only the gone recipient is suppressed; the refused message's address is fine.
    assert list(Suppression.objects.values_list("email", flat=True)) == ["person3@example.com"]
    # The gateway's own words are in the attempt log.
    attempt = DeliveryAttempt.objects.get(delivery__email="person1@example.com")
    assert (attempt.smtp_code, attempt.response, attempt.phase, attempt.relay) == (
        429,
        "slow down",
        "post",
        "gateway.test",
    )
    totals = report_totals(campaign)
    assert (totals["sent"], totals["failed"], totals["deferred"]) == (2, 2, 1)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING  # one recipient is still to be retried


def test_a_transport_that_cannot_be_opened_gives_its_connection_slot_back(settings, owner):
    def unreachable(relay: RelayConfig, context: TransportContext) -> ChatGateway:
        raise ConnectionError("gateway misconfigured")

    transport_register("broken-gateway", unreachable)
    settings.DELIVERY_DEFAULT_RELAY_URL = "broken-gateway://gateway.test"
    _campaign, run, _ = launched_run(owner.workspace, 1)

    with pytest.raises(ConnectionError):
        run_send(run.pk)

    relay = relay_for_workspace(owner.workspace_id)
    slots = ConnectionSlots(relay, owner="another worker", lease=60)
    taken = [slots.acquire() for _ in range(relay.max_connections)]
    assert None not in taken  # every slot is free again
