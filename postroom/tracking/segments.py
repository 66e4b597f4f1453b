"""Behaviour conditions for segments: what subscribers did with messages, still one query.

    {"type": "campaign", "campaign": 12, "op": "opened"}      # also not_opened, clicked,
                                                              # not_clicked, converted, received
    {"type": "activity", "action": "opened", "op": "in_last_days", "value": 30}
                                                              # clicked, converted; not_in_last_days

"Did not open / click" means: received the campaign and did not. People only:
opens by privacy proxies and clicks by link scanners do not count.
"""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from postroom.audience.segments import (
    Context,
    _fail,
    _op,
    builder_options_provider,
    condition_type,
    days_value,
)
from postroom.campaigns.models import Campaign
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.tracking.models import Engagement

CAMPAIGN_OPS = (
    "received",
    "not_received",
    "opened",
    "not_opened",
    "clicked",
    "not_clicked",
    "converted",
    "not_converted",
)
_DONE = {"opened": "opened_at", "clicked": "clicked_at", "converted": "converted_at"}
_LAST = {"opened": "last_opened_at", "clicked": "last_clicked_at", "converted": "converted_at"}


@condition_type("campaign")
def _campaign_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    op = _op(node, path, set(CAMPAIGN_OPS))
    campaign_id = node.get("campaign")
    if isinstance(campaign_id, str) and campaign_id.isdigit():
        campaign_id = int(campaign_id)
    # Past 2**63 the id cannot exist, and the database would refuse the parameter.
    if isinstance(campaign_id, bool) or not isinstance(campaign_id, int) or campaign_id >= 2**63:
        raise _fail(f"{path}.campaign", _("Choose a campaign."))
    if not Campaign.objects.filter(pk=campaign_id, workspace_id=context.workspace_id).exists():
        raise _fail(f"{path}.campaign", _("Choose a campaign."))
    received = Q(
        Exists(
            Delivery.objects.filter(
                subscriber=OuterRef("pk"),
                run__campaign_id=campaign_id,
                status=DeliveryStatus.SENT,
            )
        )
    )
    action = op.removeprefix("not_")
    if action == "received":
        return received if op == "received" else ~received
    did = Q(
        Exists(
            Engagement.objects.filter(
                subscriber=OuterRef("pk"),
                campaign_id=campaign_id,
                **{f"{_DONE[action]}__isnull": False},
            )
        )
    )
    return did if op == action else received & ~did


@condition_type("activity")
def _activity_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    op = _op(node, path, {"in_last_days", "not_in_last_days"})
    action = node.get("action")
    if not isinstance(action, str) or action not in _LAST:
        raise _fail(f"{path}.action", _("Choose opened, clicked or converted."))
    since = context.now - dt.timedelta(days=days_value(node, path))
    q = Q(
        Exists(
            Engagement.objects.filter(
                subscriber=OuterRef("pk"),
                workspace_id=context.workspace_id,
                **{f"{_LAST[action]}__gte": since},
            )
        )
    )
    return q if op == "in_last_days" else ~q


@builder_options_provider
def _builder_options(workspace_id: int) -> dict[str, Any]:
    labels = {
        "received": _("received"),
        "not_received": _("did not receive"),
        "opened": _("opened"),
        "not_opened": _("did not open"),
        "clicked": _("clicked"),
        "not_clicked": _("did not click"),
        "converted": _("converted"),
        "not_converted": _("did not convert"),
    }
    campaigns = Campaign.objects.filter(workspace_id=workspace_id).order_by("-id")[:200]
    return {
        "campaigns": [{"id": c.pk, "name": c.name} for c in campaigns],
        "campaignOps": [[op, str(labels[op])] for op in CAMPAIGN_OPS],
        "actions": [[a, str(labels[a])] for a in ("opened", "clicked", "converted")],
        "activityOps": [
            ["in_last_days", str(_("in the last N days"))],
            ["not_in_last_days", str(_("not in the last N days"))],
        ],
    }
