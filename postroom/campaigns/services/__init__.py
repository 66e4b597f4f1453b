"""Every change of a campaign's state: edit, schedule, approval, send, pause, cancel, clone, disable.

Split by what the change is about; the statuses themselves move only through
`postroom.campaigns.states`. The names below are the app's write API.
"""

from postroom.campaigns.services.access import require_perm
from postroom.campaigns.services.activation import campaign_schedule_spec
from postroom.campaigns.services.approval import (
    EDITABLE,
    LIVE,
    campaign_decide,
    campaign_fingerprint,
    campaign_recheck_approval,
    campaign_schedule,
    campaigns_recheck_for_message,
    campaigns_recheck_for_segment,
    campaigns_recheck_for_workspace,
)
from postroom.campaigns.services.controls import (
    campaign_disable,
    campaign_enable,
    campaign_retry_failed,
    campaign_send_now,
    campaign_transition,
)
from postroom.campaigns.services.editing import campaign_clone, campaign_save

__all__ = [
    "EDITABLE",
    "LIVE",
    "campaign_clone",
    "campaign_decide",
    "campaign_disable",
    "campaign_enable",
    "campaign_fingerprint",
    "campaign_recheck_approval",
    "campaign_retry_failed",
    "campaign_save",
    "campaign_schedule",
    "campaign_schedule_spec",
    "campaign_send_now",
    "campaign_transition",
    "campaigns_recheck_for_message",
    "campaigns_recheck_for_segment",
    "campaigns_recheck_for_workspace",
    "require_perm",
]
