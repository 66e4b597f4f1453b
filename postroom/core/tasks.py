from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from postroom.core.services import worker_heartbeat_record


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    worker_heartbeat_record()


@HUEY.on_startup()
def worker_started() -> None:
    # A fresh worker is healthy at once, not only after the first minute tick.
    worker_heartbeat_record()
