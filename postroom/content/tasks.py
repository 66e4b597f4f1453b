"""Content's background jobs (a message's test send is delivery's: `delivery.tasks`)."""

from huey.contrib.djhuey import db_task


@db_task()
def message_links_check(check_id: int) -> None:
    from postroom.content.services import message_links_check_run

    message_links_check_run(check_id=check_id)
