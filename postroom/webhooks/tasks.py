"""Jobs carry endpoint ids; the message rows say what is due, so a lost or doubled job loses nothing."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from postroom.webhooks.services.send import endpoint_send, endpoints_due, messages_prune

# A retry due sooner than this is given its own delayed job, not left to the minute tick.
_SOON_SECONDS = 60


@db_task()
def endpoint_send_job(endpoint_id: int) -> None:
    report = endpoint_send(endpoint_id)
    if HUEY.immediate:
        return  # inline a follow-up would recurse; the tick picks the rest up
    if report.more:
        endpoint_send_job(endpoint_id)
    elif report.next_due is not None:
        wait = (report.next_due - timezone.now()).total_seconds()
        if wait < _SOON_SECONDS:
            endpoint_send_job.schedule(args=(endpoint_id,), delay=max(wait, 0) + 0.5)


@db_periodic_task(crontab(minute="*"))
@lock_task("webhooks-tick")
def webhooks_tick() -> None:
    """Every minute, a job for each endpoint with a message due (retries, lost jobs)."""
    for endpoint_id in endpoints_due(timezone.now()):
        endpoint_send_job(endpoint_id)


@db_periodic_task(crontab(minute="41", hour="3"))
@lock_task("webhooks-prune")
def webhooks_prune() -> None:
    """Daily: the delivery log keeps WEBHOOKS_LOG_DAYS days."""
    messages_prune(timezone.now())
