"""Test sends go the way the campaign will: the workspace's relay, or the sandbox."""

import logging
import uuid

from django.conf import settings
from django.utils import timezone

from postroom.content.models import Message
from postroom.content.rendering import Rendered
from postroom.delivery.mime import MessageSkeleton, Recipient, html_with_preheader
from postroom.delivery.models import AttemptOutcome
from postroom.delivery.relays import relay_for_workspace
from postroom.delivery.sandbox import SandboxTransport
from postroom.delivery.smtp import SendResult, SmtpTransport

logger = logging.getLogger(__name__)


class TestSendDeferred(Exception):
    """The relay could not take it now; the job is retried."""


def test_send(*, message: Message, rendered: Rendered, to: list[str]) -> list[SendResult]:
    relay = relay_for_workspace(message.workspace_id)
    transport: SandboxTransport | SmtpTransport = (
        SandboxTransport(message.workspace_id)
        if relay.is_sandbox
        else SmtpTransport(relay, timeout=settings.DELIVERY_SMTP_TIMEOUT)
    )
    skeleton = MessageSkeleton(
        from_name=message.from_name,
        from_email=message.from_email,
        reply_to=message.reply_to,
        bulk=False,
    )
    domain = message.from_email.rpartition("@")[2] or "localhost"
    results = []
    try:
        for address in to:
            data = skeleton.build(
                Recipient(
                    email=address,
                    name="",
                    subject=f"[Test] {rendered.subject}",
                    text=rendered.text,
                    html=html_with_preheader(rendered.html, rendered.preheader),
                    message_id=f"<test.{uuid.uuid4().hex}@{domain}>",
                    date=timezone.now(),
                ),
                eight_bit=transport.supports_8bit(),
            )
            result = transport.send(message.from_email, address, data)
            logger.info("test send of message %s to %s: %s", message.pk, address, result.response)
            results.append(result)
    finally:
        if isinstance(transport, SandboxTransport):
            transport.commit()
        else:
            transport.close()
    if any(r.outcome == AttemptOutcome.DEFERRED for r in results):
        raise TestSendDeferred("; ".join(r.response for r in results))
    return results
