"""Events other apps report: unsubscribes through a message's link, bounces and complaints."""

import hashlib
from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from postroom.audience.signals import unsubscribed_by_link
from postroom.delivery.models import BounceEvent, BounceKind
from postroom.delivery.signals import bounce_recorded
from postroom.tracking.buffer import hit_record
from postroom.tracking.hits import hit_make
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.tokens import UNSUBSCRIBE, token_read


@receiver(unsubscribed_by_link)
def _unsubscribed(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    ids = token_read(UNSUBSCRIBE, request.GET.get("m", ""))
    if ids is not None:
        # One unsubscribe per message, however often the link is used.
        hit_record(hit_make("unsubscribe", ids[0], request=request, uid=f"unsub:{ids[0]}"))


_BOUNCE_KINDS = {
    BounceKind.HARD: "bounce_hard",
    BounceKind.SOFT: "bounce_soft",
    BounceKind.COMPLAINT: "complaint",
    BounceKind.UNSUBSCRIBE: "unsubscribe",
}


@receiver(bounce_recorded)
def _bounced(sender: Any, event: BounceEvent, **kwargs: Any) -> None:
    """Into the event log and the report, in the intake's own transaction (no buffer)."""
    kind = _BOUNCE_KINDS.get(BounceKind(event.kind))
    if kind is None or event.delivery_id is None:
        return
    # A mailto unsubscribe counts once per message, like the one-click link.
    uid = (
        f"unsub:{event.delivery_id}"
        if kind == "unsubscribe"
        else "bounce:" + hashlib.sha256(event.event_id.encode()).hexdigest()[:48]
    )
    hit = hit_make(kind, event.delivery_id, uid=uid)
    hit["t"] = event.received_at.timestamp()
    hits_ingest([hit])
