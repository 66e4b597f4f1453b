"""Tracking as the delivery engine uses it while building mail and pushes (`postroom.delivery.sending.tracking`)."""

from dataclasses import dataclass

from postroom.campaigns.models import Campaign
from postroom.core.siteurls import url_parts
from postroom.delivery.sending.tracking import PushLinks
from postroom.tracking.links import Rewriter, hrefs, links_register
from postroom.tracking.tokens import CLICK, RECEIVED, UNSUBSCRIBE, WEB_VIEW, token_make


@dataclass(frozen=True, slots=True)
class PushRunTracker:
    """A push run's URLs: the reversed routes around each delivery's signed tokens."""

    received: tuple[str, str]
    click: tuple[str, str]
    link_id: int | None  # the notification's URL as a registered link; None without one

    def links(self, delivery_id: int) -> PushLinks:
        before, after = self.received
        received = f"{before}{token_make(RECEIVED, delivery_id)}{after}"
        if self.link_id is None:
            return PushLinks(received=received, click="")
        before, after = self.click
        return PushLinks(
            received=received,
            click=f"{before}{token_make(CLICK, delivery_id, self.link_id)}{after}",
        )


def push_tracker(campaign: Campaign, url: str) -> PushRunTracker:
    """`url` is registered as the campaign's link so a tap goes through the click redirect.

    Without click tracking (`Campaign.track_clicks` off) or a URL, `click` is "":
    the notification opens its URL as written. The receipt is a delivery status,
    asked for always.
    """
    tracked = bool(url) and campaign.track_clicks
    link_id = links_register(campaign, [url]).get(url) if tracked else None
    return PushRunTracker(
        received=url_parts("tracking_received"),
        click=url_parts("tracking_click"),
        link_id=link_id,
    )


class MailTracker:
    def hrefs(self, html: str) -> list[str]:
        return hrefs(html)

    def run_tracker(self, campaign: Campaign, links: list[str], *, sample: str) -> Rewriter:
        rewriter = Rewriter(
            links_register(campaign, links),
            clicks=campaign.track_clicks,
            opens=campaign.track_opens,
        )
        if sample:
            rewriter.learn(sample)
        return rewriter

    def unsubscribe_marker(self, delivery_id: int) -> str:
        return token_make(UNSUBSCRIBE, delivery_id)

    def web_view_token(self, delivery_id: int) -> str:
        return token_make(WEB_VIEW, delivery_id)

    def push_tracker(self, campaign: Campaign, url: str) -> PushRunTracker:
        return push_tracker(campaign, url)
