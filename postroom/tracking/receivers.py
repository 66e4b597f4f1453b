"""Events that other apps report: unsubscribes through a message's link (bounces: see below)."""

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from postroom.audience.signals import unsubscribed_by_link
from postroom.tracking.buffer import hit_record
from postroom.tracking.hits import hit_make
from postroom.tracking.tokens import UNSUBSCRIBE, token_read


@receiver(unsubscribed_by_link)
def _unsubscribed(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    ids = token_read(UNSUBSCRIBE, request.GET.get("m", ""))
    if ids is not None:
        # One unsubscribe per message, however often the link is used.
        hit_record(hit_make("unsubscribe", ids[0], request=request, uid=f"unsub:{ids[0]}"))
