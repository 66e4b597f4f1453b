from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from postroom.experiments.services import rounds_step_due


@db_periodic_task(crontab(minute="*"))
@lock_task("experiments-step")
def experiments_step() -> None:
    """Decide the tests whose wait is over and release the bandit waves that are due."""
    rounds_step_due()
