"""A campaign with tracked links, sent through a real SMTP server, and its messages' URLs."""

import datetime as dt
import re
from email.message import Message
from typing import Any

import time_machine
from django.utils import timezone

from postroom.content.tests.factories import MessageFactory
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run, relay_for

BODY = """<html><body>
<p>Hi {{ subscriber.full_name }}</p>
<p><a href="https://shop.example.com/sale?x=1&amp;y=2">Sale</a>
<a href="https://shop.example.com/about">About</a>
<a href="https://blog.example.com/post" data-notrack>Not tracked</a>
<a href="https://shop.example.com/u?e={{ subscriber.email }}">Personal</a>
<a href="mailto:help@example.com">Mail us</a>
<a href="{{ web_view_url }}">View in browser</a>
<a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
</body></html>"""


def sent_campaign(owner: Any, server: Any, count: int = 3, **fields: Any) -> tuple[Any, Any, list]:
    relay_for(server, owner.workspace)
    message = MessageFactory(workspace=owner.workspace, body=BODY)
    # Sent a minute ago: hits now are past the scanner and prefetch windows.
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=1), tick=True):
        campaign, run, subscribers = launched_run(owner.workspace, count, message=message, **fields)
        run_send(run.pk)
    return campaign, run, subscribers


def html_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no HTML part")


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text part")


def paths(html: str, kind: str) -> list[str]:
    """Site-relative paths of the tracking URLs of `kind` (o, c, w) in a message."""
    return [
        "/" + url.split("://", 1)[1].split("/", 1)[1]
        for url in re.findall(rf'https?://[^"\s]+/t/{kind}/[^"\s]+/', html)
    ]


def message_for(server: Any, email: str) -> Message:
    return next(r.message for r in server.received if r.recipient == email)
