"""Sending an endpoint's due messages: one signed request per message, over one connection.

One event per request (not a JSON array): Standard Webhooks gives each message
its own `webhook-id`, which receivers use to drop duplicates, and a receiver
that fails on one event then fails that one only. A job still works in batches:
it holds the endpoint (a lease, so one job per endpoint at a time), sends up
to WEBHOOKS_BATCH due messages over one keep-alive connection, records every
attempt, and stops early after a few failures (the receiver is down; the
messages not tried keep their time).
"""

import datetime as dt
import json
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from postroom.delivery.crypto import secret_decrypt
from postroom.webhooks.models import (
    MessageStatus,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookMessage,
)
from postroom.webhooks.network import UrlRefused, target_resolve
from postroom.webhooks.policy import EndpointHealth, answer_ok, endpoint_outcome, retry_at
from postroom.webhooks.selectors import subscriptions_forget
from postroom.webhooks.services.notify import endpoint_disabled_notify
from postroom.webhooks.signing import headers_make

LEASE = dt.timedelta(minutes=5)
STOP_AFTER_FAILURES = 3
RESPONSE_KEEP = 1000
USER_AGENT = "Postroom-Webhooks/1"


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    more: bool = False  # due messages were left for the next job
    next_due: dt.datetime | None = None


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    response: str
    duration_ms: int
    error: str = ""


def _lease(endpoint_id: int, now: dt.datetime) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = WebhookEndpoint.objects.filter(free, pk=endpoint_id, is_active=True)
    return taken.update(lease_until=now + LEASE) == 1


def endpoint_send(endpoint_id: int) -> SendReport:
    """Send the endpoint's due messages; nothing when another job holds it or it is disabled."""
    report = SendReport()
    now = timezone.now()
    if not _lease(endpoint_id, now):
        return report
    try:
        endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
        due = list(
            endpoint.messages.filter(
                status=MessageStatus.PENDING, next_attempt_at__lte=now
            ).order_by("next_attempt_at", "pk")[: settings.WEBHOOKS_BATCH]
        )
        _send_all(endpoint, due, report)
        report.more = len(due) == settings.WEBHOOKS_BATCH
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(lease_until=None)
    report.next_due = (
        WebhookMessage.objects.filter(endpoint_id=endpoint_id, status=MessageStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return report


def _send_all(endpoint: WebhookEndpoint, due: list[WebhookMessage], report: SendReport) -> None:
    secret = secret_decrypt(endpoint.secret_encrypted)
    timeout = httpx.Timeout(settings.WEBHOOKS_TIMEOUT)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for message in due:
            answer = _post(client, endpoint.url, secret, message)
            ok = _record(endpoint, message, answer)
            report.sent += ok
            report.failed += not ok
            if not endpoint.is_active or report.failed >= STOP_AFTER_FAILURES:
                return


def _post(client: httpx.Client, url: str, secret: str, message: WebhookMessage) -> Answer:
    body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = target_resolve(url)
        headers = headers_make(
            secret=secret, message_id=message.event_id, timestamp=int(time.time()), body=body
        )
        headers |= {"host": target.host_header, "user-agent": USER_AGENT}
        extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
        response = client.post(target.url, content=body, headers=headers, extensions=extensions)
    except UrlRefused as exc:
        return Answer(None, "", took(), str(exc))
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return Answer(None, "", took(), f"{type(exc).__name__}: {exc}"[:300].replace("\x00", ""))
    error = "redirect not followed" if response.is_redirect else ""
    # PostgreSQL text cannot hold a NUL: the receiver's words are kept without them.
    kept = response.text[:RESPONSE_KEEP].replace("\x00", "")
    return Answer(response.status_code, kept, took(), error)


@transaction.atomic
def _record(endpoint: WebhookEndpoint, message: WebhookMessage, answer: Answer) -> bool:
    """The attempt, the message's new state and the endpoint's health, in one transaction."""
    now = timezone.now()
    ok = answer_ok(answer.status_code)
    WebhookAttempt.objects.create(
        message=message,
        at=now,
        status_code=answer.status_code,
        response=answer.response,
        duration_ms=answer.duration_ms,
        error=answer.error,
    )
    message.attempts += 1
    later = None if ok else retry_at(attempts=message.attempts, now=now)
    message.status = (
        MessageStatus.SENT if ok else MessageStatus.PENDING if later else MessageStatus.FAILED
    )
    message.next_attempt_at = later
    message.sent_at = now if ok else None
    message.save(update_fields=["attempts", "status", "next_attempt_at", "sent_at"])
    _health(endpoint, ok=ok, gave_up=message.status == MessageStatus.FAILED, now=now)
    return ok


def _health(endpoint: WebhookEndpoint, *, ok: bool, gave_up: bool, now: dt.datetime) -> None:
    if endpoint.consecutive_failures == 0 and endpoint.failing_since is None and ok:
        return  # healthy and still healthy: nothing to write
    outcome = endpoint_outcome(
        EndpointHealth(endpoint.consecutive_failures, endpoint.failing_since),
        ok=ok,
        gave_up=gave_up,
        now=now,
        after_messages=settings.WEBHOOKS_DISABLE_AFTER_MESSAGES,
        after_days=settings.WEBHOOKS_DISABLE_AFTER_DAYS,
    )
    endpoint.consecutive_failures = outcome.health.consecutive_failures
    endpoint.failing_since = outcome.health.failing_since
    fields = ["consecutive_failures", "failing_since"]
    if outcome.disable_reason:
        endpoint.is_active = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = outcome.disable_reason
        fields += ["is_active", "disabled_at", "disabled_reason"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        **{name: getattr(endpoint, name) for name in fields}, updated_at=now
    )
    if outcome.disable_reason:
        subscriptions_forget(endpoint.workspace_id)
        endpoint_disabled_notify(endpoint)


def messages_prune(now: dt.datetime) -> int:
    """Forget messages (and their attempts) older than WEBHOOKS_LOG_DAYS that are done."""
    old = WebhookMessage.objects.filter(
        created_at__lt=now - dt.timedelta(days=settings.WEBHOOKS_LOG_DAYS)
    ).exclude(status=MessageStatus.PENDING)
    return old.delete()[0]


def endpoints_due(now: dt.datetime) -> list[int]:
    """Active, free endpoints with a message due: what the periodic tick starts jobs for."""
    pending = WebhookMessage.objects.filter(
        status=MessageStatus.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).filter(Q(endpoint__lease_until__isnull=True) | Q(endpoint__lease_until__lt=now))
    return sorted(set(pending.values_list("endpoint_id", flat=True)))
