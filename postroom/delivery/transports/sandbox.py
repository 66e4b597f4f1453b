"""The sandbox sink: with no relay configured, messages are kept under var/ and shown in the app."""

import uuid
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from django.conf import settings
from django.utils import timezone

from postroom.delivery.models import AttemptOutcome, SandboxMessage
from postroom.delivery.transports.relays import SANDBOX, RelayConfig
from postroom.delivery.transports.smtp import SendResult


class SandboxTransport:
    """Same interface as `SmtpTransport`; writes .eml files and records them on `commit()`."""

    relay: RelayConfig = SANDBOX

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self._pending: list[SandboxMessage] = []
        self.delivery_id: int | None = None

    def supports_8bit(self) -> bool:
        return True

    def send(self, sender: str, recipient: str, data: bytes) -> SendResult:
        day = timezone.now().strftime("%Y-%m-%d")
        relative = f"{self.workspace_id}/{day}/{uuid.uuid4().hex}.eml"
        path = settings.SANDBOX_DIR / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        headers = BytesHeaderParser(policy=default_policy).parsebytes(data)
        self._pending.append(
            SandboxMessage(
                workspace_id=self.workspace_id,
                delivery_id=self.delivery_id,
                sender=sender[:254],
                recipient=recipient[:254],
                subject=str(headers.get("Subject", ""))[:255],
                path=relative,
                size=len(data),
            )
        )
        return SendResult(AttemptOutcome.SENT, 250, "2.0.0 kept in the sandbox", "data")

    def commit(self) -> None:
        SandboxMessage.objects.bulk_create(self._pending)
        self._pending = []

    def close(self) -> None:
        self.commit()


def sandbox_read(message: SandboxMessage) -> bytes:
    """The stored message; empty when its file is gone."""
    base = settings.SANDBOX_DIR.resolve()
    path = (base / message.path).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return b""
    return path.read_bytes()
