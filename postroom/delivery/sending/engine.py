"""A worker's job: claim a batch, re-check, render, send over a pooled connection, record in bulk.

The Delivery rows are the truth. A delivery is marked sent right after the
relay's 250; results are written every DELIVERY_FLUSH_EVERY messages, so a
worker killed in between can at worst send that many twice, and the reaper
marks those deliveries as reclaimed (counted as possible duplicates).
"""

import datetime as dt
import logging
import random
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.schedule import window_not_before
from postroom.core.bulk import rows_insert
from postroom.delivery.models import AttemptOutcome, Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.claims import (
    Claimed,
    deliveries_claim,
    deliveries_release,
    leases_renew,
)
from postroom.delivery.sending.limits import CircuitBreaker, ConnectionSlots, RateLimiter
from postroom.delivery.sending.outcomes import (
    run_auto_pause,
    run_finish_if_done,
    runs_cancel_pending,
    suppress_hard_bounces,
)
from postroom.delivery.sending.prepare import (
    PreparedRun,
    RecipientData,
    prepare_run,
    recipients_load,
)
from postroom.delivery.transports.relays import RelayConfig, relay_for_workspace
from postroom.delivery.transports.sandbox import SandboxTransport
from postroom.delivery.transports.smtp import POOL, SendResult, SmtpTransport
from postroom.reports.recording import SHARDS, counters_add, domains_add

logger = logging.getLogger(__name__)
_ATTEMPT_FIELDS = [f.name for f in DeliveryAttempt._meta.concrete_fields if f.name != "id"]
SENDABLE_CAMPAIGN = (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.FINISHED)


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
class _Result:
    claimed: Claimed
    result: SendResult | None  # None: skipped before any attempt
    at: dt.datetime
    reason: str = ""
    time_zone: str = ""


@dataclass
class _Job:
    run: CampaignRun
    relay: RelayConfig
    owner: str
    transport: SmtpTransport | SandboxTransport
    prepared: PreparedRun
    breaker: CircuitBreaker
    limiter: RateLimiter
    report: JobReport = field(default_factory=JobReport)
    slots: ConnectionSlots | None = None
    pending: list[_Result] = field(default_factory=list)
    errors: int = 0
    eight_bit: bool = False
    renewed_at: float = field(default_factory=time.monotonic)

    @property
    def shard(self) -> int:
        """The report counters' row this worker adds to (see `postroom.reports.models.Counter`)."""
        return zlib.crc32(self.owner.encode()) % SHARDS


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` tries: exponential, capped, with jitter."""
    ceiling = min(
        settings.DELIVERY_BACKOFF_CAP, settings.DELIVERY_BACKOFF_BASE * 2 ** (attempts - 1)
    )
    return ceiling * random.uniform(0.5, 1.0)


def run_send(
    run_id: int,
    *,
    seconds: float | None = None,
    on_progress: Callable[[JobReport], None] | None = None,
) -> JobReport:
    """Send the run's due deliveries for up to `seconds` (DELIVERY_JOB_SECONDS)."""
    report = JobReport()
    run = CampaignRun.objects.select_related("campaign__message__layout").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.SENDING:
        return report
    if run.campaign.status not in SENDABLE_CAMPAIGN:
        report.stopped = run.campaign.status
        return report
    relay = relay_for_workspace(run.campaign.workspace_id)
    owner = uuid.uuid4().hex
    breaker = CircuitBreaker(relay)
    if not breaker.allows():
        report.stopped = "breaker"
        return report
    try:
        prepared = prepare_run(run)
    except Exception as exc:
        logger.exception("run %s: the message cannot be built", run.pk)
        run_auto_pause(run=run, reason=f"The message cannot be built: {exc}"[:500])
        report.stopped = "paused"
        return report
    lease = settings.DELIVERY_LEASE_SECONDS
    slots = ConnectionSlots(relay, owner=owner, lease=lease)
    slot = slots.acquire()
    if slot is None:
        # Every connection the relay allows is busy with this work already.
        report.stopped = "connections"
        return report
    transport: SmtpTransport | SandboxTransport = (
        SandboxTransport(run.campaign.workspace_id)
        if relay.is_sandbox
        else POOL.take(relay, slot, timeout=settings.DELIVERY_SMTP_TIMEOUT)
    )
    job = _Job(
        run=run,
        relay=relay,
        owner=owner,
        transport=transport,
        prepared=prepared,
        breaker=breaker,
        limiter=RateLimiter(relay),
        report=report,
        slots=slots,
    )
    deadline = time.monotonic() + (seconds or settings.DELIVERY_JOB_SECONDS)
    try:
        job.eight_bit = transport.supports_8bit()
        while not report.stopped:
            if time.monotonic() >= deadline:
                report.more = True
                break
            if not _campaign_sendable(run):
                break
            batch = deliveries_claim(
                run_id=run.pk, owner=owner, size=settings.DELIVERY_BATCH_SIZE, lease_seconds=lease
            )
            if not batch:
                break
            _send_batch(job, batch)
            slots.renew()
            if on_progress is not None:
                on_progress(report)
    finally:
        _flush(job)
        if isinstance(transport, SmtpTransport):
            POOL.give_back(transport, slot)
        slots.release()
    if _campaign_status(run) in (CampaignStatus.CANCELLED, CampaignStatus.DISABLED):
        runs_cancel_pending([run.pk])  # cancelled while this job had some in hand
    run_finish_if_done(run.pk)
    logger.info(
        "run %s via %s: sent %s, deferred %s, failed %s, skipped %s%s",
        run.pk,
        relay.name,
        report.sent,
        report.deferred,
        report.failed,
        report.skipped,
        f" (stopped: {report.stopped})" if report.stopped else "",
    )
    return report


def _campaign_status(run: CampaignRun) -> str | None:
    return Campaign.objects.filter(pk=run.campaign_id).values_list("status", flat=True).first()


def _campaign_sendable(run: CampaignRun) -> bool:
    return _campaign_status(run) in SENDABLE_CAMPAIGN


def _send_batch(job: _Job, batch: list[Claimed]) -> None:
    recipients = recipients_load(job.prepared, [c.subscriber_id for c in batch if c.subscriber_id])
    for index, claimed in enumerate(batch):
        if not job.report.stopped and not _lease_kept(job, len(batch) - index):
            job.report.stopped = "lease lost"
        if job.report.stopped:
            _release(job, batch[index:])
            return
        data = recipients.get(claimed.subscriber_id or 0)
        if data is None:
            job.pending.append(
                _Result(claimed, None, timezone.now(), "unsubscribed or suppressed since launch")
            )
        else:
            _send_one(job, claimed, data)
        if len(job.pending) >= settings.DELIVERY_FLUSH_EVERY:
            _flush(job)
            if _campaign_sendable(job.run) is False:
                job.report.stopped = "paused"
                _release(job, batch[index + 1 :])
                return


def _lease_kept(job: _Job, unsent: int) -> bool:
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
    if job.slots is not None:
        job.slots.renew()
    return kept >= unsent + len(job.pending)


def _send_one(job: _Job, claimed: Claimed, data: RecipientData) -> None:
    at = timezone.now()
    try:
        message = job.prepared.build(claimed.id, data, eight_bit=job.eight_bit)
    except Exception as exc:  # a template that fails for this recipient's data
        result = SendResult(AttemptOutcome.FAILED, None, f"rendering failed: {exc}"[:500], "render")
        job.pending.append(_Result(claimed, result, at))
        return
    wait = job.limiter.acquire()
    while 0 < wait <= 1.0:
        time.sleep(wait)
        wait = job.limiter.acquire()
    if wait > 1.0:
        job.report.stopped = "rate limit"
        _release(job, [claimed], not_before=at + dt.timedelta(seconds=wait))
        return
    if isinstance(job.transport, SandboxTransport):
        job.transport.delivery_id = claimed.id
    try:
        result = job.transport.send(message.sender, data.email, message.data)
    except Exception as exc:
        logger.exception("run %s: sending to delivery %s failed", job.run.pk, claimed.id)
        result = SendResult(
            AttemptOutcome.DEFERRED,
            None,
            f"{type(exc).__name__}: {exc}"[:500],
            "send",
            relay_trouble=True,
        )
    job.pending.append(_Result(claimed, result, at, time_zone=data.time_zone))
    if result.relay_trouble:
        if job.breaker.trouble(result.response or result.outcome):
            logger.warning("relay %s: circuit breaker open (%s)", job.relay.name, result.response)
            job.report.stopped = "breaker"
    else:
        job.breaker.success()
        if result.outcome == AttemptOutcome.FAILED:  # refused for good, not greylisted
            job.errors += 1


def _release(job: _Job, claimed: list[Claimed], not_before: dt.datetime | None = None) -> None:
    if not claimed:
        return
    if not_before is None and job.report.stopped == "breaker":
        not_before = timezone.now() + dt.timedelta(seconds=job.breaker.retry_after())
    job.report.released += deliveries_release(
        owner=job.owner, ids=[c.id for c in claimed], not_before=not_before
    )


def _flush(job: _Job) -> None:
    """Write the attempts and final states of everything sent since the last flush, in bulk."""
    results, job.pending = job.pending, []
    if not results:
        return
    now = timezone.now()
    horizon = dt.timedelta(seconds=settings.DELIVERY_RETRY_HORIZON)
    attempts, updates, hard, failed = [], [], [], []
    sent: dict[int | None, list[int]] = {}
    counts = {"deferred": 0, "skipped": 0}
    for item in results:
        claimed, result = item.claimed, item.result
        if result is not None:
            attempts.append(
                DeliveryAttempt(
                    delivery_id=claimed.id,
                    at=item.at,
                    duration_ms=result.duration_ms,
                    outcome=result.outcome,
                    smtp_code=result.code,
                    enhanced_code=result.enhanced,
                    response=result.response,
                    phase=result.phase,
                    relay=job.relay.name[:120],
                )
            )
            if result.outcome == AttemptOutcome.SENT:
                sent.setdefault(result.code, []).append(claimed.id)
                job.report.sent += 1
                continue
        delivery = Delivery(
            pk=claimed.id,
            lease_owner="",
            lease_until=None,
            attempts=claimed.attempts,
            first_attempt_at=claimed.first_attempt_at or item.at,
            sent_at=None,
            next_attempt_at=now,
            reclaimed=claimed.reclaimed,
        )
        if result is None:
            delivery.status = DeliveryStatus.SKIPPED
            delivery.last_code = None
            delivery.last_response = item.reason
            job.report.skipped += 1
            counts["skipped"] += 1
            updates.append(delivery)
            continue
        delivery.attempts += 1
        delivery.last_code = result.code
        delivery.last_response = result.response
        if result.outcome == AttemptOutcome.DEFERRED:
            retry_at = now + dt.timedelta(seconds=backoff(delivery.attempts))
            if result.relay_trouble and job.report.stopped == "breaker":
                retry_at = max(retry_at, now + dt.timedelta(seconds=job.breaker.retry_after()))
            campaign = job.run.campaign
            retry_at = window_not_before(
                retry_at,
                time_zone=item.time_zone,
                start=campaign.window_start,
                end=campaign.window_end,
            )
            if result.phase == "data" and result.code is None:
                # Lost after the message went out: the server may have taken it.
                delivery.reclaimed = claimed.reclaimed + 1
            assert delivery.first_attempt_at is not None
            if retry_at - delivery.first_attempt_at > horizon:
                delivery.status = DeliveryStatus.FAILED
                delivery.last_response = (
                    f"gave up after {delivery.attempts} attempts: {result.response}"
                )[:500]
                job.report.failed += 1
                failed.append(claimed.email)
            else:
                delivery.status = DeliveryStatus.DEFERRED
                delivery.next_attempt_at = retry_at
                job.report.deferred += 1
            counts["deferred"] += 1
        else:
            delivery.status = DeliveryStatus.FAILED
            job.report.failed += 1
            failed.append(claimed.email)
            if result.hard_bounce:
                hard.append(claimed.email)
        updates.append(delivery)
    with transaction.atomic():
        rows_insert(DeliveryAttempt, attempts, _ATTEMPT_FIELDS)
        mine = Delivery.objects.filter(lease_owner=job.owner)
        sent_count = 0
        for code, ids in sent.items():
            # The common case in one statement; each attempt row has its own time and answer.
            sent_count += mine.filter(pk__any=ids).update(
                status=DeliveryStatus.SENT,
                sent_at=now,
                lease_owner="",
                lease_until=None,
                attempts=F("attempts") + 1,
                first_attempt_at=Coalesce("first_attempt_at", Value(now)),
                last_code=code,
                last_response="",
            )
        mine.bulk_update(
            updates,
            [
                "status",
                "lease_owner",
                "lease_until",
                "attempts",
                "first_attempt_at",
                "sent_at",
                "next_attempt_at",
                "last_code",
                "last_response",
                "reclaimed",
            ],
        )
        if hard:
            suppress_hard_bounces(workspace_id=job.run.campaign.workspace_id, emails=hard)
        # The report's numbers, in the same transaction as the states they count.
        run_id, campaign_id = job.run.pk, job.run.campaign_id
        counters_add(
            campaign_id=campaign_id,
            run_id=run_id,
            at=now,
            shard=job.shard,
            sent=sent_count,
            failed=len(failed),
            deferred=counts["deferred"],
            skipped=counts["skipped"],
        )
        domains_add(campaign_id=campaign_id, run_id=run_id, emails=failed)
        if isinstance(job.transport, SandboxTransport):
            job.transport.commit()
        leases_renew(
            run_id=job.run.pk, owner=job.owner, lease_seconds=settings.DELIVERY_LEASE_SECONDS
        )
    if job.report.attempts >= settings.DELIVERY_PAUSE_MIN_ATTEMPTS and (
        job.errors / job.report.attempts >= settings.DELIVERY_PAUSE_ERROR_RATE
    ):
        run_auto_pause(
            run=job.run,
            reason=f"{job.errors} of {job.report.attempts} attempts were refused; "
            f"last answer: {results[-1].result.response if results[-1].result else ''}",
        )
        job.report.stopped = "paused"
