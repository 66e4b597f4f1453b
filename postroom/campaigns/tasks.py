from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from postroom.campaigns.dispatch import campaigns_dispatch_due


@db_periodic_task(crontab(minute="*"))
@lock_task("campaigns-dispatch")
def campaigns_dispatch() -> None:
    campaigns_dispatch_due()
