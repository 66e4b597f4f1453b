"""What a push job computes once per run (the creative, each variant's title, tracking) and per device.

An experiment on a push campaign changes the notification's title (the
variant's subject) and its time of day; every other variant field is email's.
"""

import copy
import dataclasses

from postroom.campaigns.models import CampaignRun
from postroom.campaigns.selectors import campaign_segments_q
from postroom.content.rendering import recipient_context
from postroom.delivery.sending.claims import Claimed
from postroom.delivery.sending.tracking import PushTracker, tracker
from postroom.experiments.selectors import experiment_of
from postroom.push.models import CampaignCreative, Creative
from postroom.push.payloads import Notification
from postroom.push.sending.checks import Target
from postroom.push.services.creatives import creative_notification


class PushRun:
    def __init__(self, run: CampaignRun) -> None:
        campaign = run.campaign
        self.run = run
        self.workspace_id = campaign.workspace_id
        self.list_ids = list(campaign.lists.values_list("id", flat=True))
        self.excluded_list_ids = list(campaign.exclude_lists.values_list("id", flat=True))
        self.segments = campaign_segments_q(campaign)  # asked again for every batch
        link = (
            CampaignCreative.objects.select_related("creative")
            .filter(campaign_id=campaign.pk, creative__workspace_id=campaign.workspace_id)
            .first()
        )
        if link is None:
            raise ValueError("the push campaign has no creative")
        self.creatives: dict[int | None, Creative] = {None: link.creative}
        experiment = experiment_of(campaign)
        for variant in experiment.variants.all() if experiment is not None else []:
            changed = link.creative
            if variant.subject:
                changed = copy.copy(link.creative)
                changed.title = variant.subject
            self.creatives[variant.number] = changed
        self.campaign_vars = {"name": campaign.name, "id": campaign.pk}
        self.links = self._links(run, link.creative)

    @staticmethod
    def _links(run: CampaignRun, creative: Creative) -> PushTracker:
        """The run's received URLs, and click URLs unless clicks are not tracked or the click
        URL is personalized (a template: the link registered must be the same for everyone)."""
        url = creative.click_url
        tracked = run.campaign.track_clicks and "{" not in url
        return tracker().push_tracker(run.campaign, url if tracked else "")

    def notification(self, target: Target) -> Notification:
        """The creative rendered for the device's subscriber, with this delivery's tracking URLs."""
        claimed: Claimed = target.claimed
        recipient = target.recipient
        creative = self.creatives.get(claimed.variant) or self.creatives[None]
        context = recipient_context(
            email=recipient.email,
            full_name=recipient.full_name,
            attributes=recipient.attributes,
            language=target.device.locale or recipient.language,
            time_zone=target.time_zone,
            campaign=self.campaign_vars,
        )
        note = creative_notification(creative, context)
        links = self.links.links(claimed.id)
        return dataclasses.replace(
            note, click_url=links.click or note.click_url, received=links.received
        )
