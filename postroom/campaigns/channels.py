"""What a campaign sends depends on its channel; the apps above say how for theirs (push).

Campaigns sit below the push app, so a channel other than email registers here
what the campaign layer needs of it: who can receive it (a condition over
Subscriber), which content a campaign of that channel may send (choices per
workspace) and the campaign's current choice, kept by the channel's own app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from postroom.campaigns.models import Campaign, Channel


@dataclass(frozen=True)
class ChannelContent:
    # Who can receive the channel at all (push: at least one valid device).
    reachable: Callable[[], Q]
    # (id, name) of the content a workspace's campaign may send (push: its creatives).
    choices: Callable[[int], list[tuple[int, str]]]
    # The campaign's content id, or None.
    current: Callable[[Campaign], int | None]
    # Keep the campaign's content (called inside the campaign's save).
    assign: Callable[[Campaign, int], None]
    # The campaign's reverse relation to its content, for select_related in lists (so
    # `current` reads it from the row, not with a query per campaign); "" for none.
    related: str = ""


_CHANNELS: dict[str, ChannelContent] = {}


def channel_register(channel: str, content: ChannelContent) -> None:
    _CHANNELS[channel] = content


def channel_content(channel: str) -> ChannelContent | None:
    """None for email (its content is the campaign's message)."""
    return _CHANNELS.get(channel)


def channel_related() -> list[str]:
    """What a list of campaigns selects with them so each one's content is at hand."""
    return [content.related for content in _CHANNELS.values() if content.related]


def channel_reachable_q(channel: str) -> Q:
    """Who a campaign of this channel can reach: an email address, or what the channel registered."""
    if channel == Channel.EMAIL:
        return Q(email__isnull=False)
    content = _CHANNELS.get(channel)
    return content.reachable() if content is not None else Q(pk__in=[])


def channel_content_name(campaign: Campaign) -> str:
    """The name of what a campaign of a channel other than email sends ("" for email or none)."""
    content = _CHANNELS.get(campaign.channel)
    current = content.current(campaign) if content is not None else None
    if content is None or current is None:
        return ""
    return dict(content.choices(campaign.workspace_id)).get(current, "")
