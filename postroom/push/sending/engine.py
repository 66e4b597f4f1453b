"""A push run's job: claim a batch, check it (a few queries), send each device through its provider.

The claimed batch is grouped by device kind; each kind sends through the
workspace's provider transport (`push_relay`) with the engine's own parts: one
`Job` per kind (rate limit, circuit breaker, connection slot, attempt log,
policy and writer), all under one lease owner. A kind that stops (its breaker
opens, a long rate-limit wait, no free connection) gives its deliveries back
and the others go on. Devices a provider says are gone become invalid when the
results are written (the transport's `flush`).
"""

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from postroom.campaigns.models import CampaignRun, RunStatus
from postroom.delivery.sending.claims import Claimed, deliveries_release
from postroom.delivery.sending.engine import (
    Job,
    JobReport,
    batches_send,
    content_or_pause,
    job_flush,
    job_lease_kept,
    job_rate_limit_passed,
    job_record,
    job_release,
)
from postroom.delivery.sending.limits import CircuitBreaker, ConnectionSlots, RateLimiter
from postroom.delivery.sending.outcomes import run_finish_if_done, runs_cancel_pending
from postroom.delivery.sending.policy import Attempted
from postroom.delivery.sending.prepare import recipients_load
from postroom.delivery.sending.runs import RUNS, RunStore
from postroom.delivery.transports.base import (
    Capabilities,
    DeviceAddress,
    Outgoing,
    ResultKind,
    SendResult,
    TransportContext,
    transport_open,
)
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.providers.base import push_relay
from postroom.push.sending.checks import Target, batch_check, devices_load, segment_members
from postroom.push.sending.notify import PushRun

logger = logging.getLogger(__name__)
_REPORTED = ("sent", "deferred", "failed", "skipped", "released")


class _NoTransport:
    """The checks' job sends nothing: it records skips."""

    channel = "push"

    def capabilities(self) -> Capabilities:
        return Capabilities(channel="push")

    def send(self, message: Outgoing) -> SendResult:  # pragma: no cover - never called
        raise NotImplementedError

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class _PushJob:
    run: CampaignRun
    prepared: PushRun
    owner: str
    store: RunStore
    report: JobReport
    kinds: dict[str, Job] = field(default_factory=dict)
    checks: Job | None = None
    released: int = 0  # given back by the run's job itself (window, a kind that cannot send)

    def jobs(self) -> list[Job]:
        return [*self.kinds.values(), *([self.checks] if self.checks else [])]


def push_run_send(
    run_id: int,
    *,
    seconds: float | None = None,
    on_progress: Callable[[JobReport], None] | None = None,
    store: RunStore = RUNS,
) -> JobReport:
    """`run_send` for a push campaign's run."""
    report = JobReport()
    run = CampaignRun.objects.select_related("campaign").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.SENDING:
        return report
    state = store.state(run)
    if not store.sendable(state):
        report.stopped = state or "gone"
        return report
    prepared = content_or_pause(run, store, report, PushRun, "notification")
    if prepared is None:
        return report
    job = _PushJob(run, prepared, uuid.uuid4().hex, store, report)

    def batch_send(batch: list[Claimed]) -> None:
        _batch_send(job, batch)
        _report_sum(job)

    try:
        batches_send(
            run, job.owner, report, store, seconds=seconds, send=batch_send, on_progress=on_progress
        )
    finally:
        for kind_job in job.jobs():
            job_flush(kind_job)
            kind_job.transport.close()
            kind_job.slots.release()
        _report_sum(job)
    if store.stopped(store.state(run)):
        runs_cancel_pending([run.pk])
    run_finish_if_done(run.pk)
    logger.info(
        "push run %s: sent %s, deferred %s, failed %s, skipped %s%s",
        run.pk,
        report.sent,
        report.deferred,
        report.failed,
        report.skipped,
        f" (stopped: {report.stopped})" if report.stopped else "",
    )
    return report


def _report_sum(job: _PushJob) -> None:
    """The run's report is the sum of its kinds' (a kind's stop is its own; a pause is everyone's)."""
    for name in _REPORTED:
        setattr(job.report, name, sum(getattr(j.report, name) for j in job.jobs()))
    job.report.released += job.released
    if any(j.report.stopped == "paused" for j in job.jobs()):
        job.report.stopped = "paused"


def _batch_send(job: _PushJob, batch: list[Claimed]) -> None:
    prepared, now = job.prepared, timezone.now()
    recipients = recipients_load(prepared, [c.subscriber_id for c in batch if c.subscriber_id])
    devices = devices_load(
        workspace_id=prepared.workspace_id, device_ids=[c.device_id for c in batch if c.device_id]
    )
    in_segments = (
        None
        if prepared.segments is None
        else segment_members(
            workspace_id=prepared.workspace_id,
            run_id=job.run.pk,
            subscriber_ids=list(recipients),
            condition=prepared.segments,
        )
    )
    campaign = job.run.campaign
    checked = batch_check(
        batch,
        recipients=recipients,
        devices=devices,
        window=(campaign.window_start, campaign.window_end),
        now=now,
        in_segments=in_segments,
    )
    waiting: dict[dt.datetime, list[int]] = {}
    for claimed, opens in checked.later:  # outside the device's window: back until it opens
        waiting.setdefault(opens, []).append(claimed.id)
    for opens, ids in waiting.items():  # one UPDATE per window start (a time zone's)
        job.released += deliveries_release(owner=job.owner, ids=ids, not_before=opens)
    if checked.skip:
        checks = _checks_job(job)
        checks.pending += [Attempted(claimed, None, now, why) for claimed, why in checked.skip]
    by_kind: dict[str, list[Target]] = {}
    for target in checked.send:
        by_kind.setdefault(target.device.kind, []).append(target)
    kinds = list(by_kind.items())
    for position, (kind, targets) in enumerate(kinds):
        _kind_send(job, kind, targets)
        if not job.store.sendable(job.store.state(job.run)):
            job.report.stopped = "paused"
            # Only the kinds not reached yet: what was sent waits for its flush, in hand.
            rest = [t.claimed.id for _kind, later in kinds[position + 1 :] for t in later]
            job.released += deliveries_release(owner=job.owner, ids=rest)
            return


def _kind_send(job: _PushJob, kind: str, targets: list[Target]) -> None:
    kind_job = _kind_job(job, kind)
    if kind_job is None or kind_job.report.stopped:
        # This kind cannot send in this job (a busy provider, its breaker, a long wait).
        wait = kind_job.breaker.retry_after() if kind_job is not None else 0.0
        not_before = timezone.now() + dt.timedelta(
            seconds=max(wait, settings.DELIVERY_LEASE_SECONDS / 3)
        )
        job.released += deliveries_release(
            owner=job.owner, ids=[t.claimed.id for t in targets], not_before=not_before
        )
        return
    for index, target in enumerate(targets):
        report = kind_job.report
        if not report.stopped and not job_lease_kept(kind_job, len(targets) - index):
            report.stopped = "lease lost"
        if report.stopped:
            job_release(kind_job, [t.claimed for t in targets[index:]])
            return
        _device_send(job, kind_job, target)
        if len(kind_job.pending) >= settings.DELIVERY_FLUSH_EVERY:
            job_flush(kind_job)
            if not job.store.sendable(job.store.state(job.run)):
                kind_job.report.stopped = "paused"
                job_release(kind_job, [t.claimed for t in targets[index + 1 :]])
                return


def _device_send(job: _PushJob, kind_job: Job, target: Target) -> None:
    claimed, device, at = target.claimed, target.device, timezone.now()
    try:
        note = job.prepared.notification(target)
    except Exception as exc:  # a template that fails for this recipient's data
        response = f"rendering failed: {exc}"[:500]
        result = SendResult(ResultKind.PERMANENT, None, response, "render")
        kind_job.pending.append(Attempted(claimed, result, at))
        return
    if not job_rate_limit_passed(kind_job, claimed, at):
        return
    address = DeviceAddress(device.token, device.p256dh, device.auth, device.app_id)
    message = Outgoing(claimed.id, "", device.token, note.encode(), device=address)
    try:
        result = kind_job.transport.send(message)
    except Exception as exc:
        logger.exception("run %s: pushing delivery %s failed", job.run.pk, claimed.id)
        result = SendResult(
            ResultKind.RELAY_DOWN, None, f"{type(exc).__name__}: {exc}"[:500], "send"
        )
    job_record(kind_job, claimed, result, at, time_zone=target.time_zone)


def _kind_job(job: _PushJob, kind: str) -> Job | None:
    """The job of one provider kind, opened at its first device: None while it cannot send."""
    if kind in job.kinds:
        return job.kinds[kind]
    relay = push_relay(kind, job.prepared.workspace_id)
    breaker = CircuitBreaker(relay)
    if not breaker.allows():
        return None
    slots = ConnectionSlots(relay, owner=job.owner, lease=settings.DELIVERY_LEASE_SECONDS)
    slot = slots.acquire()
    if slot is None:
        return None
    context = TransportContext(
        workspace_id=job.prepared.workspace_id, timeout=settings.PUSH_TIMEOUT, slot=slot
    )
    try:
        transport = transport_open(relay, context)
    except Exception:
        slots.release()
        raise
    job.kinds[kind] = _job(job, relay, transport, breaker, slots)
    return job.kinds[kind]


def _checks_job(job: _PushJob) -> Job:
    """Where the pre-send checks' skips are recorded (no transport, no attempt rows)."""
    if job.checks is None:
        relay = RelayConfig(key=f"push-checks-{job.prepared.workspace_id}", name="push checks")
        slots = ConnectionSlots(relay, owner=job.owner, lease=settings.DELIVERY_LEASE_SECONDS)
        job.checks = _job(job, relay, _NoTransport(), CircuitBreaker(relay), slots)
    return job.checks


def _job(
    job: _PushJob,
    relay: RelayConfig,
    transport: object,
    breaker: CircuitBreaker,
    slots: ConnectionSlots,
) -> Job:
    return Job(
        run=job.run,
        relay=relay,
        owner=job.owner,
        transport=transport,  # type: ignore[arg-type]
        prepared=None,
        breaker=breaker,
        limiter=RateLimiter(relay, campaign=True),
        slots=slots,
        store=job.store,
        report=JobReport(),
    )
