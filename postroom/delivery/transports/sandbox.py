"""The sandbox sink: with no relay configured, messages are kept under var/ and shown in the app."""

import uuid
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from django.conf import settings
from django.utils import timezone

from postroom.delivery.models import SandboxMessage
from postroom.delivery.transports.base import (
    Capabilities,
    Outgoing,
    ResultKind,
    SendResult,
    TransportContext,
    transport_register,
)
from postroom.delivery.transports.relays import RelayConfig


class SandboxTransport:
    """Writes .eml files; `flush()` records them, in the engine's transaction."""

    channel = "email"

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self._pending: list[SandboxMessage] = []

    def capabilities(self) -> Capabilities:
        return Capabilities(channel=self.channel, eight_bit=True)

    def send(self, message: Outgoing) -> SendResult:
        day = timezone.now().strftime("%Y-%m-%d")
        relative = f"{self.workspace_id}/{day}/{uuid.uuid4().hex}.eml"
        path = settings.SANDBOX_DIR / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.data)
        headers = BytesHeaderParser(policy=default_policy).parsebytes(message.data)
        self._pending.append(
            SandboxMessage(
                workspace_id=self.workspace_id,
                delivery_id=message.delivery_id,
                sender=message.sender[:254],
                recipient=message.recipient[:254],
                subject=str(headers.get("Subject", ""))[:255],
                path=relative,
                size=len(message.data),
            )
        )
        return SendResult(ResultKind.DELIVERED, 250, "2.0.0 kept in the sandbox", "data")

    def flush(self) -> None:
        SandboxMessage.objects.bulk_create(self._pending)
        self._pending = []

    def close(self) -> None:
        # Not flushed: the deliveries' states were not written either, and they will be sent again.
        self._pending = []


def sandbox_transport_open(relay: RelayConfig, context: TransportContext) -> SandboxTransport:
    return SandboxTransport(context.workspace_id)


transport_register("sandbox", sandbox_transport_open)


def sandbox_read(message: SandboxMessage) -> bytes:
    """The stored message; empty when its file is gone."""
    base = settings.SANDBOX_DIR.resolve()
    path = (base / message.path).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return b""
    return path.read_bytes()
