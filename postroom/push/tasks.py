"""Push jobs: OneSignal's outcomes polled every five minutes, one job per workspace with some pending."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task
from huey.exceptions import TaskLockedException

from postroom.push.models import ProviderKind, ProviderMessage
from postroom.push.providers.outcomes import onesignal_outcomes_poll


@db_task()
def onesignal_outcomes_job(workspace_id: int) -> None:
    try:
        with HUEY.lock_task(f"onesignal-outcomes-{workspace_id}"):
            onesignal_outcomes_poll(workspace_id=workspace_id, now=timezone.now())
    except TaskLockedException:
        pass  # another worker is polling this workspace right now


@db_periodic_task(crontab(minute="*/5"))
@lock_task("onesignal-outcomes-tick")
def onesignal_outcomes_tick() -> None:
    pending = ProviderMessage.objects.filter(kind=ProviderKind.ONESIGNAL, done=False)
    for workspace_id in pending.values_list("workspace_id", flat=True).distinct():
        onesignal_outcomes_job(workspace_id)
