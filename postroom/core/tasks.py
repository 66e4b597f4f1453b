from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from postroom.core.services import worker_heartbeat_record


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    worker_heartbeat_record()


@HUEY.on_startup()
def worker_started() -> None:
    # A fresh worker is healthy at once, not only after the first minute tick.
    worker_heartbeat_record()


@db_task()
def worker_heartbeat_named(name: str) -> None:
    """Record a heartbeat under `name`: lets tests and operators see a job go through."""
    worker_heartbeat_record(name=name)
