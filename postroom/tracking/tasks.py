from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postroom.tracking.buffer import RedisBuffer, buffer, hits_flush


@db_task()
def tracking_flush_job() -> int:
    return hits_flush()


def tracking_flush_soon(*, now: bool) -> None:
    """A flush at once (the buffer is full) or in a moment (the first hit of a quiet spell)."""
    from django.conf import settings

    if now:
        tracking_flush_job()
    else:
        tracking_flush_job.schedule(delay=settings.TRACKING_FLUSH_SECONDS)


@db_periodic_task(crontab(minute="*"))
def tracking_flush_periodic() -> int:
    """The safety net: hits a lost job left behind, abandoned flushes."""
    current = buffer()
    return hits_flush() if isinstance(current, RedisBuffer) else 0
