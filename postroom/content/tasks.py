from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import db_task

from postroom.audience.models import Subscriber
from postroom.content.models import Message
from postroom.content.previews import message_preview


@db_task(retries=3, retry_delay=30)
def message_test_send(
    message_id: int, to: list[str], subscriber_id: int | None, base_url: str
) -> None:
    """Send the rendered message to a few addresses, with "[Test]" in the subject."""
    message = Message.objects.select_related("layout").get(pk=message_id)
    subscriber = (
        Subscriber.objects.filter(pk=subscriber_id, workspace_id=message.workspace_id).first()
        if subscriber_id
        else None
    )
    rendered = message_preview(message=message, subscriber=subscriber, base_url=base_url)
    sender = (
        f"{message.from_name} <{message.from_email}>" if message.from_name else message.from_email
    )
    mail = EmailMultiAlternatives(
        subject=f"[Test] {rendered.subject}",
        body=rendered.text,
        from_email=sender,
        to=to,
        reply_to=[message.reply_to] if message.reply_to else None,
    )
    mail.attach_alternative(rendered.html, "text/html")
    mail.send()


@db_task()
def message_links_check(check_id: int) -> None:
    from postroom.content.services import message_links_check_run

    message_links_check_run(check_id=check_id)
