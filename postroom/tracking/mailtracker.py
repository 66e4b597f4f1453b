"""Tracking as the delivery engine uses it while building mail (`postroom.delivery.sending.tracking`)."""

from postroom.campaigns.models import Campaign
from postroom.tracking.links import Rewriter, hrefs, links_register
from postroom.tracking.tokens import UNSUBSCRIBE, WEB_VIEW, token_make


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
