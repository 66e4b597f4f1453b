"""A worker's job: claim a batch, re-check, render, send through the relay's transport, record in bulk.

The Delivery rows are the truth. A delivery is marked sent right after the
relay's acceptance; results are written every DELIVERY_FLUSH_EVERY messages, so
a worker killed in between can at worst send that many twice, and the reaper
marks those deliveries as reclaimed (counted as possible duplicates).

The engine knows the `Transport` protocol and the run store only: what a result
means is `policy.delivery_transition`, how it is written is `writer`.
"""

import dataclasses
import datetime as dt
import logging
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from postroom.campaigns.models import CampaignRun, RunStatus
from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.channels import channel_sender
from postroom.delivery.sending.claims import (
    Claimed,
    deliveries_claim,
    deliveries_release,
    leases_renew,
)
from postroom.delivery.sending.lane import LaneSender, lane_send
from postroom.delivery.sending.limits import CircuitBreaker, ConnectionSlots, RateLimiter
from postroom.delivery.sending.outcomes import run_finish_if_done, runs_cancel_pending
from postroom.delivery.sending.policy import (
    Attempted,
    Policy,
    Transition,
    auto_pause_due,
    delivery_transition,
)
from postroom.delivery.sending.prepare import (
    PreparedRun,
    RecipientData,
    prepare_run,
    recipients_load,
)
from postroom.delivery.sending.runs import RUNS, RunStore
from postroom.delivery.sending.writer import attempts_write, outcomes_record, transitions_write
from postroom.delivery.signals import DeliveriesRecorded
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
T = TypeVar("T")


@dataclass
class JobReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    stopped: str = ""  # why the job ended before the run's due work did
    more: bool = False  # due work is left for another job

    @property
    def attempts(self) -> int:
        return self.sent + self.deferred + self.failed


@dataclass
class Job:
    """One worker's hold on a run and one relay (push: one per provider kind, sharing the owner)."""

    run: CampaignRun
    relay: RelayConfig
    owner: str
    transport: Transport
    prepared: PreparedRun | None  # email only
    breaker: CircuitBreaker
    limiter: RateLimiter
    slots: ConnectionSlots
    store: RunStore
    report: JobReport = field(default_factory=JobReport)
    pending: list[Attempted] = field(default_factory=list)
    errors: int = 0
    eight_bit: bool = False
    renewed_at: float = field(default_factory=time.monotonic)

    @property
    def shard(self) -> int:
        """Spreads concurrent workers over the report counters' rows."""
        return zlib.crc32(self.owner.encode())


def run_send(
    run_id: int,
    *,
    seconds: float | None = None,
    on_progress: Callable[[JobReport], None] | None = None,
    store: RunStore = RUNS,
) -> JobReport:
    """Send the run's due deliveries for up to `seconds` (DELIVERY_JOB_SECONDS)."""
    channel = CampaignRun.objects.filter(pk=run_id).values_list("campaign__channel", flat=True)
    sender = channel_sender(next(iter(channel), ""))
    if sender is not None:  # push: its own batches, through the same claims, limits and writer
        return sender.send(run_id, seconds=seconds, on_progress=on_progress, store=store)
    report = JobReport()
    job = _job_start(run_id, report, store)
    if job is None:
        return report

    def batch_send(batch: list[Claimed]) -> None:
        _send_batch(job, batch)
        job.slots.renew()

    try:
        job.eight_bit = job.transport.capabilities().eight_bit
        batches_send(
            job.run,
            job.owner,
            report,
            store,
            seconds=seconds,
            send=batch_send,
            before_claim=lambda: _lane_between_batches(job),
            on_progress=on_progress,
        )
    finally:
        _flush(job)
        job.transport.close()
        job.slots.release()
    job_end(job)
    return report


def batches_send(
    run: CampaignRun,
    owner: str,
    report: JobReport,
    store: RunStore,
    *,
    seconds: float | None,
    send: Callable[[list[Claimed]], None],
    before_claim: Callable[[], None] | None = None,
    on_progress: Callable[[JobReport], None] | None = None,
) -> None:
    """A job's loop, email's and push's: claim a batch and `send` it until the job's time is up
    (`report.more`), the run stops being sendable, `report.stopped` is set, or nothing is due."""
    deadline = time.monotonic() + (seconds or settings.DELIVERY_JOB_SECONDS)
    while not report.stopped:
        if time.monotonic() >= deadline:
            report.more = True
            return
        if not store.sendable(store.state(run)):
            return
        if before_claim is not None:
            before_claim()  # email: the workspace's transactional lane goes first
            if report.stopped:
                return
        batch = deliveries_claim(
            run_id=run.pk,
            owner=owner,
            size=settings.DELIVERY_BATCH_SIZE,
            lease_seconds=settings.DELIVERY_LEASE_SECONDS,
        )
        if not batch:
            return
        send(batch)
        if on_progress is not None:
            on_progress(report)


def _job_start(run_id: int, report: JobReport, store: RunStore) -> Job | None:
    """Everything a job holds: the run, its relay's limits, a connection slot, the transport."""
    run = CampaignRun.objects.select_related("campaign__message__layout").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.SENDING:
        return None
    state = store.state(run)
    if not store.sendable(state):
        report.stopped = state or "gone"
        return None
    relay = relay_for_workspace(run.campaign.workspace_id)
    owner, breaker = uuid.uuid4().hex, CircuitBreaker(relay)
    if not breaker.allows():
        report.stopped = "breaker"
        return None
    prepared = content_or_pause(run, store, report, prepare_run, "message")
    if prepared is None:
        return None
    slots = ConnectionSlots(relay, owner=owner, lease=settings.DELIVERY_LEASE_SECONDS)
    slot = slots.acquire()
    if slot is None:
        # Every connection the relay allows is busy with this work already.
        report.stopped = "connections"
        return None
    context = TransportContext(
        workspace_id=run.campaign.workspace_id, timeout=settings.DELIVERY_SMTP_TIMEOUT, slot=slot
    )
    try:
        transport = transport_open(relay, context)
    except Exception:
        slots.release()  # the slot would otherwise stay taken until its lease ran out
        raise
    return Job(
        run=run,
        relay=relay,
        owner=owner,
        transport=transport,
        prepared=prepared,
        breaker=breaker,
        limiter=RateLimiter(relay, campaign=True),
        slots=slots,
        store=store,
        report=report,
    )


def content_or_pause(
    run: CampaignRun,
    store: RunStore,
    report: JobReport,
    build: Callable[[CampaignRun], T],
    what: str,
) -> T | None:
    """What a run sends, built once per job (email's message, push's notification); None when
    it cannot be built: the run pauses with the reason, for its owner to see and mend."""
    try:
        return build(run)
    except Exception as exc:
        logger.exception("run %s: the %s cannot be built", run.pk, what)
        store.auto_pause(run, reason=f"The {what} cannot be built: {exc}"[:500])
        report.stopped = "paused"
        return None


def _lane_between_batches(job: Job) -> None:
    """The workspace's due transactional messages go first, over this job's connection."""
    _flush(job)  # what the campaign sent so far is written before the lane's own writes
    sender = LaneSender(
        workspace_id=job.run.campaign.workspace_id,
        relay=job.relay,
        owner=job.owner,
        transport=job.transport,
        breaker=job.breaker,
        limiter=RateLimiter(job.relay),
    )
    # Bounded like one campaign batch: the job's slot lease is renewed right after, so a
    # burst of transactional mail never lets another worker take this connection.
    lane = lane_send(sender, deadline=time.monotonic() + settings.DELIVERY_LEASE_SECONDS / 3)
    job.slots.renew()
    if lane.stopped == "breaker":
        job.report.stopped = "breaker"


def job_end(job: Job) -> None:
    if job.store.stopped(job.store.state(job.run)):
        runs_cancel_pending([job.run.pk])  # cancelled while this job had some in hand
    run_finish_if_done(job.run.pk)
    report = job.report
    logger.info(
        "run %s via %s: sent %s, deferred %s, failed %s, skipped %s%s",
        job.run.pk,
        job.relay.name,
        report.sent,
        report.deferred,
        report.failed,
        report.skipped,
        f" (stopped: {report.stopped})" if report.stopped else "",
    )


def _send_batch(job: Job, batch: list[Claimed]) -> None:
    assert job.prepared is not None
    recipients = recipients_load(job.prepared, [c.subscriber_id for c in batch if c.subscriber_id])
    for index, claimed in enumerate(batch):
        if not job.report.stopped and not job_lease_kept(job, len(batch) - index):
            job.report.stopped = "lease lost"
        if job.report.stopped:
            job_release(job, batch[index:])
            return
        data = recipients.get(claimed.subscriber_id or 0)
        if data is None:
            job.pending.append(
                Attempted(claimed, None, timezone.now(), "unsubscribed or suppressed since launch")
            )
        else:
            _send_one(job, claimed, data)
        if len(job.pending) >= settings.DELIVERY_FLUSH_EVERY:
            _flush(job)
            if not job.store.sendable(job.store.state(job.run)):
                job.report.stopped = "paused"
                job_release(job, batch[index + 1 :])
                return


def job_lease_kept(job: Job, unsent: int) -> bool:
    """Renew the lease (and relay slot) a third of the way through it, not only at flushes.

    A slow relay or a tight rate limit must not let the lease lapse while the
    batch is still being sent; if the reaper took rows back all the same, the
    worker stops rather than send what another worker may be sending.
    """
    lease = settings.DELIVERY_LEASE_SECONDS
    if time.monotonic() - job.renewed_at < lease / 3:
        return True
    job.renewed_at = time.monotonic()
    kept = leases_renew(run_id=job.run.pk, owner=job.owner, lease_seconds=lease)
    job.slots.renew()
    return kept >= unsent + len(job.pending)


def _send_one(job: Job, claimed: Claimed, data: RecipientData) -> None:
    assert job.prepared is not None
    at = timezone.now()
    try:
        message = job.prepared.build(
            claimed.id, data, eight_bit=job.eight_bit, variant=claimed.variant
        )
    except Exception as exc:  # a template that fails for this recipient's data
        response = f"rendering failed: {exc}"[:500]
        job.pending.append(
            Attempted(claimed, SendResult(ResultKind.PERMANENT, None, response, "render"), at)
        )
        return
    if not job_rate_limit_passed(job, claimed, at):
        return
    try:
        result = job.transport.send(Outgoing(claimed.id, message.sender, data.email, message.data))
    except Exception as exc:
        logger.exception("run %s: sending to delivery %s failed", job.run.pk, claimed.id)
        response = f"{type(exc).__name__}: {exc}"[:500]
        result = SendResult(ResultKind.RELAY_DOWN, None, response, "send")
    job_record(job, claimed, result, at, time_zone=data.time_zone)


def job_record(
    job: Job, claimed: Claimed, result: SendResult, at: dt.datetime, *, time_zone: str
) -> None:
    """Keep an attempt's result for the next flush; the breaker and the error count learn from it."""
    job.pending.append(Attempted(claimed, result, at, time_zone=time_zone))
    if result.kind == ResultKind.RELAY_DOWN:
        if job.breaker.trouble(result.response or result.outcome):
            logger.warning("relay %s: circuit breaker open (%s)", job.relay.name, result.response)
            job.report.stopped = "breaker"
    else:
        job.breaker.success()
        if result.kind in (ResultKind.PERMANENT, ResultKind.RECIPIENT_GONE):  # refused for good
            job.errors += 1


def job_rate_limit_passed(job: Job, claimed: Claimed, at: dt.datetime) -> bool:
    """Wait out short rate-limit waits; a long one ends the job and gives the delivery back."""
    wait = job.limiter.acquire()
    while 0 < wait <= 1.0:
        time.sleep(wait)
        wait = job.limiter.acquire()
    if wait > 1.0:
        job.report.stopped = "rate limit"
        job_release(job, [claimed], not_before=at + dt.timedelta(seconds=wait))
        return False
    return True


def job_release(job: Job, claimed: list[Claimed], not_before: dt.datetime | None = None) -> None:
    if not claimed:
        return
    if not_before is None and job.report.stopped == "breaker":
        not_before = timezone.now() + dt.timedelta(seconds=job.breaker.retry_after())
    job.report.released += deliveries_release(
        owner=job.owner, ids=[c.id for c in claimed], not_before=not_before
    )


def _flush(job: Job) -> None:
    """Decide what every result since the last flush means, then write it all in one transaction."""
    items, job.pending = job.pending, []
    if not items:
        return
    now = timezone.now()
    policy = _policy(job, now)
    transitions = [delivery_transition(item, now=now, policy=policy) for item in items]
    record = _tally(job, transitions, now)
    with transaction.atomic():
        attempts_write(items, relay=job.relay.name)
        sent = transitions_write(transitions, owner=job.owner, now=now)
        record = dataclasses.replace(record, sent=sent)
        outcomes_record(transitions, workspace_id=job.run.campaign.workspace_id, record=record)
        job.transport.flush()
        leases_renew(
            run_id=job.run.pk, owner=job.owner, lease_seconds=settings.DELIVERY_LEASE_SECONDS
        )
    if auto_pause_due(errors=job.errors, attempts=job.report.attempts):
        last = items[-1].result.response if items[-1].result else ""
        job.store.auto_pause(
            job.run,
            reason=f"{job.errors} of {job.report.attempts} attempts were refused; "
            f"last answer: {last}",
        )
        job.report.stopped = "paused"


def job_flush(job: Job) -> None:
    """`_flush` for the senders of other channels (looked up at call time, as tests replace it)."""
    _flush(job)


def _policy(job: Job, now: dt.datetime) -> Policy:
    campaign = job.run.campaign
    breaker_open_until = (
        now + dt.timedelta(seconds=job.breaker.retry_after())
        if job.report.stopped == "breaker"
        else None
    )
    return Policy.from_settings(
        window_start=campaign.window_start,
        window_end=campaign.window_end,
        breaker_open_until=breaker_open_until,
    )


def _tally(job: Job, transitions: list[Transition], now: dt.datetime) -> DeliveriesRecorded:
    """Count the job's report, and what the run's counters gain (sent: what the writer marked)."""
    report = job.report
    statuses = [change.status for change in transitions]
    report.sent += statuses.count(DeliveryStatus.SENT)
    report.deferred += statuses.count(DeliveryStatus.DEFERRED)
    report.failed += statuses.count(DeliveryStatus.FAILED)
    report.skipped += statuses.count(DeliveryStatus.SKIPPED)
    failed = [  # a push delivery has no address: counted, not listed
        change.email
        for change in transitions
        if change.status == DeliveryStatus.FAILED and change.email
    ]
    return DeliveriesRecorded(
        campaign_id=job.run.campaign_id,
        run_id=job.run.pk,
        at=now,
        shard=job.shard,
        failed=statuses.count(DeliveryStatus.FAILED),
        deferred=sum(change.temporary for change in transitions),
        skipped=statuses.count(DeliveryStatus.SKIPPED),
        failed_emails=failed,
        relay=job.relay.name,
        cost_per_1000=job.relay.cost_per_1000,
        workspace_id=job.run.campaign.workspace_id,
        transitions=transitions,
    )
