"""Rendering a message as a chosen subscriber would receive it (previews and test sends)."""

from typing import Any

from postroom.audience.models import Subscriber
from postroom.audience.tokens import preferences_token_make
from postroom.content.models import Message
from postroom.content.rendering import Rendered, message_render, recipient_context, sample_context


def preview_context(*, subscriber: Subscriber | None, base_url: str) -> dict[str, Any]:
    if subscriber is None:
        return sample_context()
    from django.urls import reverse

    preferences = base_url + reverse(
        "public_preferences", args=[preferences_token_make(subscriber_id=subscriber.pk)]
    )
    return recipient_context(
        email=subscriber.email or "",
        full_name=subscriber.full_name,
        attributes=subscriber.attributes,
        language=subscriber.language,
        time_zone=subscriber.time_zone,
        urls={"preferences": preferences, "unsubscribe": preferences},
    )


def message_preview(*, message: Message, subscriber: Subscriber | None, base_url: str) -> Rendered:
    return message_render(message, preview_context(subscriber=subscriber, base_url=base_url))
