"""Senders of the channels above the delivery layer (push): how a run of theirs launches and sends.

The engine and the launch handle email themselves; a campaign of another
channel is handed to what its app registered here (`postroom.push.sending`),
which builds on the same claims, limits, breaker, policy and writer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from postroom.audience.models import Subscriber

if TYPE_CHECKING:
    from postroom.delivery.sending.engine import JobReport
    from postroom.delivery.sending.waves import LaunchSource


@dataclass(frozen=True)
class ChannelSender:
    # The rows the launch inserts for an audience (push: one per valid device).
    rows: Callable[[QuerySet[Subscriber]], "LaunchSource"]
    # Send the run's due deliveries for up to `seconds` (`run_send`'s contract).
    send: Callable[..., "JobReport"]


_SENDERS: dict[str, ChannelSender] = {}


def channel_sender_register(channel: str, sender: ChannelSender) -> None:
    _SENDERS[channel] = sender


def channel_sender(channel: str) -> ChannelSender | None:
    """None for email, which the engine sends itself."""
    return _SENDERS.get(channel)
