"""Test sends go the way the campaign will: the workspace's relay, or the sandbox.

They are no open relay: a few addresses an hour per person and per workspace,
never to a suppressed address, and through the installation's relay only from
the installation's own domains (`relay_sender_allowed`).
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import User, Workspace
from postroom.audience.models import Subscriber
from postroom.audience.selectors import addresses_suppressed
from postroom.content.models import Message
from postroom.content.previews import message_preview
from postroom.content.rendering import Rendered
from postroom.content.services import message_test_send_check
from postroom.content.templating import TemplateError
from postroom.core.ratelimit import hourly_limit_exceeded
from postroom.delivery.models import AttemptOutcome
from postroom.delivery.transports.base import (
    Outgoing,
    SendResult,
    TransportContext,
    transport_open,
)
from postroom.delivery.transports.mime import MessageSkeleton, Recipient, html_with_preheader
from postroom.delivery.transports.relays import (
    installation_sender_domains,
    relay_for_workspace,
    relay_sender_allowed,
)

logger = logging.getLogger(__name__)

# Addresses (not requests) an hour: five at a time, ten times per person.
ADDRESSES_PER_USER_PER_HOUR = 50
ADDRESSES_PER_WORKSPACE_PER_HOUR = 200


class TestSendDeferred(Exception):
    """The relay could not take it now; the job is retried."""


class TestSendLimited(Exception):
    """Too many test sends this hour (HTTP 429)."""


@dataclass(frozen=True)
class TestSendPlan:
    to: list[str]
    suppressed: list[str]


def test_send_start(
    *,
    workspace: Workspace,
    user: User,
    message: Message,
    to: list[str],
    subscriber_id: int | None,
    base_url: str,
) -> TestSendPlan:
    """Queue a test send (on commit) to those of `to` that are not suppressed.

    ValidationError when the From address may not go through the workspace's
    relay or every address is suppressed; TestSendLimited past the hourly
    limits (the person's first, so one person cannot use up the workspace's).
    A message that cannot be rendered for the test's subscriber is refused
    (ValidationError) before anything is counted or queued.
    """
    message_test_send_check(message=message, subscriber_id=subscriber_id, base_url=base_url)
    relay = relay_for_workspace(workspace.pk)
    if not relay_sender_allowed(relay, message.from_email):
        raise ValidationError(
            {
                "from_email": _(
                    "Without a relay of its own, a workspace sends from %(domains)s only: "
                    "change the From address or add your relay."
                )
                % {"domains": ", ".join(installation_sender_domains())}
            }
        )
    suppressed = addresses_suppressed(workspace_id=workspace.pk, emails=to)
    allowed = [address for address in to if address not in suppressed]
    if not allowed:
        raise ValidationError({"to": _("Every address is on the suppression list.")})
    if hourly_limit_exceeded(
        f"test-send:user:{user.pk}", ADDRESSES_PER_USER_PER_HOUR, amount=len(allowed)
    ) or hourly_limit_exceeded(
        f"test-send:workspace:{workspace.pk}",
        ADDRESSES_PER_WORKSPACE_PER_HOUR,
        amount=len(allowed),
    ):
        raise TestSendLimited(
            _(
                "Too many test sends: %(user)s addresses an hour per person and %(workspace)s "
                "per workspace. Try again later."
            )
            % {
                "user": ADDRESSES_PER_USER_PER_HOUR,
                "workspace": ADDRESSES_PER_WORKSPACE_PER_HOUR,
            }
        )
    # Not at the top: delivery.tasks imports this module for `test_send_run`.
    from postroom.delivery.tasks import message_test_send

    message_id = message.pk
    transaction.on_commit(lambda: message_test_send(message_id, allowed, subscriber_id, base_url))
    return TestSendPlan(to=allowed, suppressed=suppressed)


def test_send_run(
    *, message_id: int, to: list[str], subscriber_id: int | None, base_url: str
) -> None:
    """The job's work: render the message for the test's subscriber (a sample one without),
    then `test_send`. A message that no longer renders is logged and dropped: trying
    again cannot help."""
    message = Message.objects.select_related("layout").get(pk=message_id)
    subscriber = (
        Subscriber.objects.filter(pk=subscriber_id, workspace_id=message.workspace_id).first()
        if subscriber_id
        else None
    )
    try:
        rendered = message_preview(message=message, subscriber=subscriber, base_url=base_url)
    except TemplateError as exc:
        # The message changed since the test was asked for and no longer renders.
        logger.warning("test send of message %s not rendered: %s", message_id, exc)
        return
    test_send(message=message, rendered=rendered, to=to)


def test_send(*, message: Message, rendered: Rendered, to: list[str]) -> list[SendResult]:
    """Send now; the relay and the suppression list are checked again, as they may have changed."""
    relay = relay_for_workspace(message.workspace_id)
    if not relay_sender_allowed(relay, message.from_email):
        logger.warning("test send of message %s refused: From not allowed", message.pk)
        return []
    suppressed = addresses_suppressed(workspace_id=message.workspace_id, emails=to)
    to = [address for address in to if address not in suppressed]
    transport = transport_open(
        relay,
        TransportContext(workspace_id=message.workspace_id, timeout=settings.DELIVERY_SMTP_TIMEOUT),
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
                eight_bit=transport.capabilities().eight_bit,
            )
            result = transport.send(Outgoing(None, message.from_email, address, data))
            logger.info("test send of message %s to %s: %s", message.pk, address, result.response)
            results.append(result)
    finally:
        transport.flush()
        transport.close()
    if any(r.outcome == AttemptOutcome.DEFERRED for r in results):
        raise TestSendDeferred("; ".join(r.response for r in results))
    return results
