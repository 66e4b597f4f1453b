"""The daily rollups the analytics read, kept in step by the CRM services.

Each write (a lead, a conversion, a contract, a spend entry) adds its share to
one row per advertising campaign and day inside the writer's transaction, so
the analytics sum a few thousand rows instead of counting millions.
`rollups_rebuild` recomputes them from the source rows (repair, bulk loads).
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Sum

from postroom.accounts.models import Workspace
from postroom.crm.models import AdCampaign, Contract, DailyRollup, Lead, SpendEntry

ZERO = Decimal("0")


def rollup_add(
    *,
    ad_campaign: AdCampaign | None,
    day: datetime.date | None,
    spend: Decimal = ZERO,
    leads: int = 0,
    customers: int = 0,
    revenue: Decimal = ZERO,
) -> None:
    """Add (or, with negative values, take back) one write's share of a campaign's day."""
    if ad_campaign is None or day is None:
        return
    row, _created = DailyRollup.objects.get_or_create(
        ad_campaign=ad_campaign,
        day=day,
        defaults={"workspace_id": ad_campaign.workspace_id, "channel": ad_campaign.channel},
    )
    # F() expressions: concurrent writers add to the row, none overwrites another.
    DailyRollup.objects.filter(pk=row.pk).update(
        spend=F("spend") + spend,
        leads=F("leads") + leads,
        customers=F("customers") + customers,
        revenue=F("revenue") + revenue,
    )


@transaction.atomic
def rollups_rebuild(*, workspace: Workspace) -> int:
    """Recompute every rollup row of the workspace from its leads, contracts and spend."""
    rows: dict[tuple[int, Any], dict[str, Any]] = defaultdict(
        lambda: {"spend": ZERO, "leads": 0, "customers": 0, "revenue": ZERO}
    )
    for campaign_id, day, total in (
        SpendEntry.objects.filter(workspace=workspace)
        .values("ad_campaign_id", "date")
        .annotate(total=Sum("amount"))
        .values_list("ad_campaign_id", "date", "total")
    ):
        rows[(campaign_id, day)]["spend"] = total
    for campaign_id, day, count in (
        Lead.objects.filter(workspace=workspace, ad_campaign__isnull=False)
        .values("ad_campaign_id", "day")
        .annotate(n=Count("id"))
        .values_list("ad_campaign_id", "day", "n")
    ):
        rows[(campaign_id, day)]["leads"] = count
    for campaign_id, converted_on, count in (
        Lead.objects.filter(
            workspace=workspace, ad_campaign__isnull=False, converted_on__isnull=False
        )
        .values("ad_campaign_id", "converted_on")
        .annotate(n=Count("id"))
        .values_list("ad_campaign_id", "converted_on", "n")
    ):
        rows[(campaign_id, converted_on)]["customers"] = count
    for campaign_id, day, total in (
        Contract.objects.filter(workspace=workspace, ad_campaign__isnull=False)
        .values("ad_campaign_id", "signed_on")
        .annotate(total=Sum("amount"))
        .values_list("ad_campaign_id", "signed_on", "total")
    ):
        rows[(campaign_id, day)]["revenue"] = total
    channels = dict(AdCampaign.objects.filter(workspace=workspace).values_list("pk", "channel"))
    DailyRollup.objects.filter(workspace=workspace).delete()
    DailyRollup.objects.bulk_create(
        (
            DailyRollup(
                workspace=workspace,
                ad_campaign_id=campaign_id,
                channel=channels[campaign_id],
                day=day,
                **values,
            )
            for (campaign_id, day), values in rows.items()
        ),
        batch_size=2000,
    )
    return len(rows)
