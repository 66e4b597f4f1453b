from huey.contrib.djhuey import db_task

from postroom.reports.dashboard import landing_stats_count


@db_task()
def landing_stats_refresh() -> None:
    """Count the landing page's numbers again (enqueued when a visitor finds them old)."""
    landing_stats_count()
