"""The priority lane: deliveries without a run (transactional messages), sent before campaign work.

Lane deliveries are ordinary Delivery rows (`run` empty, `workspace` set), so
the claim, the attempt log, the policy and the writer are the campaign ones.
What differs is only where the message comes from and who is told: a
`LaneSource`, registered by the app that owns those messages (transactional),
builds the bytes of claimed deliveries and hears, inside the writing
transaction, what became of them.

They are sent by a dedicated job (`lane_run`, enqueued when a message is
submitted) and by every campaign job of the workspace between two batches
(`lane_send` with the campaign job's transport): a message submitted while a
large campaign is sending waits for one batch at most.
"""

import datetime as dt
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from postroom.delivery.models import PENDING, Delivery
from postroom.delivery.sending.claims import Claimed, deliveries_release, lane_claim
from postroom.delivery.sending.limits import CircuitBreaker, ConnectionSlots, RateLimiter
from postroom.delivery.sending.outcomes import suppress_hard_bounces
from postroom.delivery.sending.policy import Attempted, Policy, Transition, delivery_transition
from postroom.delivery.sending.writer import attempts_write, transitions_write
from postroom.delivery.transports.base import (
    Outgoing,
    ResultKind,
    SendResult,
    Transport,
    TransportContext,
    transport_open,
)
from postroom.delivery.transports.relays import RelayConfig, relay_for_workspace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaneMessage:
    sender: str  # envelope (Return-Path)
    data: bytes


class LaneSource(Protocol):
    def build(self, claimed: Sequence[Claimed]) -> dict[int, LaneMessage | str]:
        """Each claimed delivery's message, or why it may not be sent any more (it is skipped)."""
        ...

    def recorded(self, transitions: Sequence[Transition], *, at: dt.datetime) -> None:
        """What became of the deliveries; called inside the transaction that wrote it."""
        ...


_SOURCES: list[LaneSource] = []


def lane_source_register(source: LaneSource) -> None:
    """Make the lane's deliveries sendable: the app that creates them registers once, at start."""
    _SOURCES[:] = [source]


@dataclass
class LaneReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0
    stopped: str = ""

    @property
    def handled(self) -> int:
        return self.sent + self.deferred + self.failed + self.skipped


@dataclass
class LaneSender:
    """What sending lane deliveries takes: a transport already open, the relay's shared limits."""

    workspace_id: int
    relay: RelayConfig
    owner: str
    transport: Transport
    breaker: CircuitBreaker
    limiter: RateLimiter


def lane_policy() -> Policy:
    """The lane's own, short retry schedule (TX_RETRY_* settings)."""
    return Policy(
        backoff_base=settings.TX_RETRY_BASE_SECONDS,
        backoff_cap=settings.TX_RETRY_CAP_SECONDS,
        horizon=dt.timedelta(seconds=settings.TX_RETRY_HOURS * 3600),
    )


def lane_send(sender: LaneSender, *, deadline: float | None = None) -> LaneReport:
    """Send the workspace's due lane deliveries through `sender`, batch after batch."""
    report = LaneReport()
    if not _SOURCES:
        return report
    while not report.stopped and (deadline is None or time.monotonic() < deadline):
        batch = lane_claim(
            workspace_id=sender.workspace_id,
            owner=sender.owner,
            size=settings.TX_BATCH_SIZE,
            lease_seconds=settings.DELIVERY_LEASE_SECONDS,
        )
        if not batch:
            break
        _lane_batch(sender, batch, report)
    return report


def _lane_batch(sender: LaneSender, batch: list[Claimed], report: LaneReport) -> None:
    built = _SOURCES[0].build(batch)
    items: list[Attempted] = []
    for index, claimed in enumerate(batch):
        message, at = built.get(claimed.id, "gone"), timezone.now()
        if isinstance(message, str):
            items.append(Attempted(claimed, None, at, message))
            continue
        wait = sender.limiter.acquire()
        while 0 < wait <= 1.0:
            time.sleep(wait)
            wait = sender.limiter.acquire()
        if wait > 1.0:
            report.stopped = "rate limit"
            not_before = at + dt.timedelta(seconds=wait)
            deliveries_release(
                owner=sender.owner, ids=[c.id for c in batch[index:]], not_before=not_before
            )
            break
        items.append(Attempted(claimed, _send(sender, claimed, message), at))
        if items[-1].result and items[-1].result.kind == ResultKind.RELAY_DOWN:
            if sender.breaker.trouble(items[-1].result.response):
                report.stopped = "breaker"
                not_before = timezone.now() + dt.timedelta(seconds=sender.breaker.retry_after())
                ids = [c.id for c in batch[index + 1 :]]
                deliveries_release(owner=sender.owner, ids=ids, not_before=not_before)
                break
        else:
            sender.breaker.success()
    _lane_flush(sender, items, report)


def _send(sender: LaneSender, claimed: Claimed, message: LaneMessage) -> SendResult:
    try:
        outgoing = Outgoing(claimed.id, message.sender, claimed.email, message.data)
        return sender.transport.send(outgoing)
    except Exception as exc:
        logger.exception("lane: sending delivery %s failed", claimed.id)
        return SendResult(ResultKind.RELAY_DOWN, None, f"{type(exc).__name__}: {exc}"[:500], "send")


def _lane_flush(sender: LaneSender, items: list[Attempted], report: LaneReport) -> None:
    if not items:
        return
    now = timezone.now()
    policy = lane_policy()
    transitions = [delivery_transition(item, now=now, policy=policy) for item in items]
    with transaction.atomic():
        attempts_write(items, relay=sender.relay.name)
        transitions_write(transitions, owner=sender.owner, now=now)
        gone = [change.email for change in transitions if change.suppress]
        if gone:
            suppress_hard_bounces(workspace_id=sender.workspace_id, emails=gone)
        _SOURCES[0].recorded(transitions, at=now)
        sender.transport.flush()
    for change in transitions:
        if change.status in ("sent", "deferred", "failed", "skipped"):
            setattr(report, change.status, getattr(report, change.status) + 1)


def lane_run(workspace_id: int, *, seconds: float | None = None) -> LaneReport:
    """The lane's own job: a connection slot (a reserved one first), the transport, `lane_send`.

    With every connection of the relay busy the job gives up (`stopped` says why);
    the campaign jobs holding them send the lane between their batches.
    """
    relay = relay_for_workspace(workspace_id)
    owner, breaker = uuid.uuid4().hex, CircuitBreaker(relay)
    if not breaker.allows():
        return LaneReport(stopped="breaker")
    slots = ConnectionSlots(relay, owner=owner, lease=settings.DELIVERY_LEASE_SECONDS, lane=True)
    slot = slots.acquire()
    if slot is None:
        return LaneReport(stopped="connections")
    context = TransportContext(
        workspace_id=workspace_id, timeout=settings.DELIVERY_SMTP_TIMEOUT, slot=slot
    )
    try:
        transport = transport_open(relay, context)
    except Exception:
        slots.release()
        raise
    sender = LaneSender(workspace_id, relay, owner, transport, breaker, RateLimiter(relay))
    try:
        return lane_send(
            sender, deadline=time.monotonic() + (seconds or settings.DELIVERY_JOB_SECONDS)
        )
    finally:
        transport.close()
        slots.release()


def lane_next_due(workspace_id: int) -> dt.datetime | None:
    """When the workspace's lane has its next waiting delivery (the partial index answers)."""
    waiting = Delivery.objects.filter(
        run__isnull=True, workspace_id=workspace_id, status__in=PENDING
    )
    return waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()


def lane_follow_up(*, due: dt.datetime | None, now: dt.datetime, stopped: str) -> float | None:
    """In how many seconds a lane job is to look again (None: the periodic tick will do).

    Nothing waiting: none. Every connection busy: a second later, until a campaign
    job has sent it between its batches. A retry due within the minute: then.
    """
    if due is None:
        return None
    delay = max((due - now).total_seconds(), 1.0 if stopped == "connections" else 0.5)
    return delay if delay < 60 else None


def lanes_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Workspaces whose lane has deliveries due now (for the periodic tick)."""
    due = Delivery.objects.filter(
        run__isnull=True, status__in=PENDING, next_attempt_at__lte=now or timezone.now()
    )
    return list(due.values_list("workspace_id", flat=True).distinct().order_by()[:limit])
