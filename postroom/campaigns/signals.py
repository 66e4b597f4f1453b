"""Signals of the campaigns app, for the apps above it (experiments, event webhooks) to act on.

Sent inside the transaction of the write they announce.
"""

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True, slots=True)
class CampaignStatusChanged:
    """A campaign entered a new status (never sent when a move keeps the status it had).

    `workspace_id` and `name` are None when the move was a conditional UPDATE
    by id (`campaigns_move_where`); a receiver that needs them loads them.
    """

    campaign_id: int
    status: str
    previous: str | None  # unknown after a conditional UPDATE from several statuses
    action: str
    at: dt.datetime
    workspace_id: int | None = None
    name: str | None = None
    reason: str = ""


# sender=Campaign, change=<CampaignStatusChanged>. Sent by `postroom.campaigns.states`
# where the status is set: inside the caller's transaction when it has one.
campaign_status_changed = Signal()

# A campaign was cloned: sender=Campaign, original=<Campaign>, clone=<Campaign>. The apps
# above copy what they keep of it (an experiment and its variants).
campaign_cloned = Signal()
