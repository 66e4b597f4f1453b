import logging

from huey.contrib.djhuey import db_task

from postroom.audience.models import Subscriber
from postroom.content.models import Message
from postroom.content.previews import message_preview
from postroom.content.templating import TemplateError

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def message_test_send(
    message_id: int, to: list[str], subscriber_id: int | None, base_url: str
) -> None:
    """Send the rendered message to a few addresses, with "[Test]" in the subject.

    Through the workspace's relay like its campaigns (the sandbox when there is none).
    """
    message = Message.objects.select_related("layout").get(pk=message_id)
    subscriber = (
        Subscriber.objects.filter(pk=subscriber_id, workspace_id=message.workspace_id).first()
        if subscriber_id
        else None
    )
    try:
        rendered = message_preview(message=message, subscriber=subscriber, base_url=base_url)
    except TemplateError as exc:
        # The message changed since the test was asked for and no longer renders:
        # trying again cannot help.
        logger.warning("test send of message %s not rendered: %s", message_id, exc)
        return
    from postroom.delivery.sending.testsend import test_send

    test_send(message=message, rendered=rendered, to=to)


@db_task()
def message_links_check(check_id: int) -> None:
    from postroom.content.services import message_links_check_run

    message_links_check_run(check_id=check_id)
