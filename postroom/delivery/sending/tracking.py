"""What the engine asks of click and open tracking while it builds mail, without importing it.

Tracking sits above delivery: it reads deliveries to count what recipients do.
Rewriting links and signing the tokens they carry is its knowledge, so it
registers an implementation of `Tracker` when Django starts
(`TrackingConfig.ready`); a run's message is then prepared with it.
"""

from dataclasses import dataclass
from typing import Protocol

from postroom.campaigns.models import Campaign


class RunTracker(Protocol):
    """One run's links, made trackable per recipient."""

    def html(self, html: str, delivery_id: int) -> str: ...

    def text(self, text: str, delivery_id: int) -> str: ...


@dataclass(frozen=True, slots=True)
class PushLinks:
    """One push delivery's tracking URLs (absolute).

    `received`: the device reports the notification shown (POST or GET, any origin);
    `click`: the signed click redirect to the notification's URL (a person's tap);
    "" when clicks are not tracked (the notification then opens its URL as written).
    """

    received: str
    click: str


class PushTracker(Protocol):
    """One push run's tracking URLs, per delivery."""

    def links(self, delivery_id: int) -> PushLinks: ...


class Tracker(Protocol):
    def hrefs(self, html: str) -> list[str]:
        """The links of an HTML body, in order."""
        ...

    def run_tracker(self, campaign: Campaign, links: list[str], *, sample: str) -> RunTracker:
        """A rewriter for the campaign's messages; `links` are the same for every recipient."""
        ...

    def unsubscribe_marker(self, delivery_id: int) -> str:
        """The token an unsubscribe link carries so the report counts it."""
        ...

    def web_view_token(self, delivery_id: int) -> str: ...

    def push_tracker(self, campaign: Campaign, url: str) -> PushTracker:
        """Received and click URLs for a push campaign whose notification opens `url`."""
        ...


_registered: list[Tracker] = []


def tracker_register(tracker: Tracker) -> None:
    _registered[:] = [tracker]


def tracker() -> Tracker:
    if not _registered:
        raise RuntimeError("no tracker registered: is postroom.tracking in INSTALLED_APPS?")
    return _registered[0]
