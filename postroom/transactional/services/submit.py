"""Submitting transactional messages: checked, rendered and stored at once, sent by the lane.

Everything that can be refused is refused before anything is written (a 400
naming what is wrong); what is written is one transaction: the request (its
idempotency key unique), a Delivery per recipient in the priority lane, the
messages' bytes, and the "queued" status announced. The lane's job is
enqueued on commit.
"""

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.audience.models import Subscriber
from postroom.audience.selectors import addresses_suppressed
from postroom.content.models import Message
from postroom.content.rendering import Rendered, message_render
from postroom.content.templating import TemplateError
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.tasks import lane_send_job
from postroom.delivery.transports.relays import (
    installation_sender_domains,
    relay_for_workspace,
    relay_sender_allowed,
)
from postroom.delivery.transports.tokens import message_id, return_path
from postroom.transactional.models import TxMessage, TxRequest, TxState
from postroom.transactional.services.mime import (
    Attachment,
    Envelope,
    attachment_check,
    headers_check,
    tx_mime_build,
)
from postroom.transactional.services.status import tx_status_announce
from postroom.transactional.services.templates import (
    template_version_keep,
    tx_context,
    tx_template_get,
    variables_missing,
)


class IdempotencyConflict(Exception):
    """The key was used in the last 24 hours for a different request (HTTP 409)."""


@dataclass(frozen=True)
class TxSubmission:
    template: object
    to: list[str]
    data: dict[str, Any]
    headers: dict[str, str]
    attachments: list[Attachment]
    create_recipient: bool = False
    idempotency_key: str = ""

    def fingerprint(self) -> str:
        canonical = {
            "template": str(self.template),
            "to": self.to,
            "data": self.data,
            "headers": self.headers,
            "attachments": [
                [a.filename, a.content_type, hashlib.sha256(a.content).hexdigest()]
                for a in self.attachments
            ],
            "create_recipient": self.create_recipient,
        }
        text = json.dumps(canonical, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TxAccepted:
    messages: list[TxMessage]
    replayed: bool = False  # an earlier request with the same Idempotency-Key answered


def tx_submit(*, workspace: Workspace, submission: TxSubmission) -> TxAccepted:
    """Accept one message per recipient, or answer with the first request's (same key, 24 h).

    ValidationError for an unknown template, missing variables, too large
    attachments, headers not allowed, suppressed addresses (unless the template
    is exempt, which each message records); IdempotencyConflict for a key
    reused with another request.
    """
    key = submission.idempotency_key
    if key:
        earlier = _earlier(workspace=workspace, submission=submission)
        if earlier is not None:
            return earlier
    message = tx_template_get(workspace=workspace, template_id=submission.template)
    plan = _plan(workspace=workspace, message=message, submission=submission)
    try:
        with transaction.atomic():
            return _write(workspace=workspace, message=message, submission=submission, plan=plan)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer with its messages.
        earlier = _earlier(workspace=workspace, submission=submission) if key else None
        if earlier is None:
            raise
        return earlier


def _earlier(*, workspace: Workspace, submission: TxSubmission) -> TxAccepted | None:
    since = timezone.now() - dt.timedelta(hours=settings.TX_IDEMPOTENCY_HOURS)
    request = TxRequest.objects.filter(
        workspace=workspace, idempotency_key=submission.idempotency_key, created_at__gte=since
    ).first()
    if request is None:
        return None
    if request.fingerprint != submission.fingerprint():
        raise IdempotencyConflict(
            _("This Idempotency-Key was used for a different request in the last 24 hours.")
        )
    return TxAccepted(messages=list(request.messages.order_by("pk")), replayed=True)


@dataclass(frozen=True)
class _Plan:
    rendered: dict[str, Rendered]
    exempted: set[str]
    subscribers: dict[str, int]


def _plan(*, workspace: Workspace, message: Message, submission: TxSubmission) -> _Plan:
    """Every check and the rendering, before anything is written."""
    if not relay_sender_allowed(relay_for_workspace(workspace.pk), message.from_email):
        raise ValidationError(
            {
                "template": _(
                    "Without a relay of its own, a workspace sends from %(domains)s only: "
                    "change the template's From address or add your relay."
                )
                % {"domains": ", ".join(installation_sender_domains())}
            }
        )
    missing = variables_missing(message=message, data=submission.data)
    if missing:
        raise ValidationError(
            {"data": _("Missing required variables: %(names)s.") % {"names": ", ".join(missing)}}
        )
    headers_check(submission.headers)
    for item in submission.attachments:
        attachment_check(item.filename, item.content_type)
    size = sum(len(item.content) for item in submission.attachments)
    if size > settings.TX_ATTACHMENTS_MAX_BYTES:
        raise ValidationError(
            {
                "attachments": _("Attachments may take %(max)s bytes in all; these take %(size)s.")
                % {"max": settings.TX_ATTACHMENTS_MAX_BYTES, "size": size}
            }
        )
    # Every recipient's message carries its own copy: the cap holds for the whole request.
    if size * len(submission.to) > settings.TX_ATTACHMENTS_MAX_BYTES:
        raise ValidationError(
            {
                "attachments": _(
                    "Each recipient gets a copy of the attachments: %(count)s recipients of "
                    "%(size)s bytes each pass the cap of %(max)s bytes. Send them in fewer requests."
                )
                % {
                    "count": len(submission.to),
                    "size": size,
                    "max": settings.TX_ATTACHMENTS_MAX_BYTES,
                }
            }
        )
    suppressed = set(addresses_suppressed(workspace_id=workspace.pk, emails=submission.to))
    if suppressed and not message.suppression_exempt:
        raise ValidationError(
            {
                "to": _("Suppressed addresses (this template is not exempt): %(emails)s.")
                % {"emails": ", ".join(sorted(suppressed))}
            }
        )
    subscribers = {
        email or "": pk  # matched by address: never empty here
        for email, pk in Subscriber.objects.filter(
            workspace=workspace, email__in=submission.to
        ).values_list("email", "pk")
    }
    names = dict(
        Subscriber.objects.filter(pk__in=subscribers.values()).values_list("email", "full_name")
    )
    rendered = {}
    for email in submission.to:
        context = tx_context(data=submission.data, email=email, full_name=names.get(email, ""))
        try:
            rendered[email] = message_render(message, context)
        except TemplateError as exc:
            raise ValidationError({"data": _("The template fails: %(e)s") % {"e": exc}}) from exc
    return _Plan(rendered=rendered, exempted=suppressed, subscribers=subscribers)


def _write(
    *, workspace: Workspace, message: Message, submission: TxSubmission, plan: _Plan
) -> TxAccepted:
    now = timezone.now()
    if submission.idempotency_key:  # a key older than 24 hours is free again (its messages stay)
        TxRequest.objects.filter(
            workspace=workspace,
            idempotency_key=submission.idempotency_key,
            created_at__lt=now - dt.timedelta(hours=settings.TX_IDEMPOTENCY_HOURS),
        ).update(idempotency_key="")
    # First: a concurrent request with the same key waits here, then fails (unique key).
    request = TxRequest.objects.create(
        workspace=workspace,
        idempotency_key=submission.idempotency_key,
        fingerprint=submission.fingerprint(),
        created_at=now,
    )
    subscribers = _recipients(workspace=workspace, submission=submission, plan=plan)
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                run=None,
                workspace=workspace,
                subscriber_id=subscribers.get(email),
                email=email,
                status=DeliveryStatus.QUEUED,
                next_attempt_at=now,
            )
            for email in submission.to
        ]
    )
    version = template_version_keep(message=message)
    messages = TxMessage.objects.bulk_create(
        [
            _message(
                workspace=workspace,
                request=request,
                message=message,
                version=version.version,
                delivery=delivery,
                submission=submission,
                plan=plan,
            )
            for delivery in deliveries
        ]
    )
    for item in messages:
        tx_status_announce(message=item, status=TxState.QUEUED, at=now)
    workspace_id = workspace.pk
    transaction.on_commit(lambda: lane_send_job(workspace_id))
    return TxAccepted(messages=messages)


def _recipients(*, workspace: Workspace, submission: TxSubmission, plan: _Plan) -> dict[str, int]:
    """The recipients' subscriber ids; those who are none yet are added when the request asks."""
    subscribers = dict(plan.subscribers)
    if submission.create_recipient:
        for email in submission.to:
            if email not in subscribers:
                subscriber, _created = Subscriber.objects.get_or_create(
                    workspace=workspace, email=email, defaults={"source": "api-tx"}
                )
                subscribers[email] = subscriber.pk
    return subscribers


def _message(
    *,
    workspace: Workspace,
    request: TxRequest,
    message: Message,
    version: int,
    delivery: Delivery,
    submission: TxSubmission,
    plan: _Plan,
) -> TxMessage:
    rendered = plan.rendered[delivery.email]
    data = tx_mime_build(
        envelope=Envelope(
            from_name=message.from_name,
            from_email=message.from_email,
            reply_to=message.reply_to,
            to=delivery.email,
        ),
        rendered=rendered,
        message_id=message_id(delivery.pk, message.from_email),
        headers=submission.headers,
        attachments=submission.attachments,
    )
    return TxMessage(
        workspace=workspace,
        public_id=f"tx_{uuid.uuid4().hex}",
        request=request,
        template=message,
        template_version=version,
        delivery=delivery,
        to=delivery.email,
        subscriber_id=delivery.subscriber_id,
        subject=rendered.subject.replace("\x00", "")[:255],
        suppression_exempted=delivery.email in plan.exempted,
        attachments=len(submission.attachments),
        size=len(data),
        envelope_from=return_path(delivery.pk, message.from_email),
        mime=data,
    )
