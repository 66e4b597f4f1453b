"""Reads of the CRM: the lead list, a customer's history, and the analytics from the rollups."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from postroom.accounts.models import Workspace
from postroom.crm.models import AdCampaign, Channel, CrmSettings, Customer, DailyRollup, Lead
from postroom.crm.money import CENT, Currency, per, ratio, roi
from postroom.delivery.models import Delivery
from postroom.tracking.models import Event

ZERO = Decimal("0.00")


def lead_list(
    *,
    workspace: Workspace,
    status: str = "",
    ad_campaign_id: int | None = None,
    owner_id: int | None = None,
    duplicates: bool = False,
    search: str = "",
) -> QuerySet[Lead]:
    """The workspace's leads, newest first, narrowed by the given filters (each one indexed)."""
    leads = Lead.objects.filter(workspace=workspace).select_related("ad_campaign", "owner")
    if status:
        leads = leads.filter(status=status)
    if ad_campaign_id:
        leads = leads.filter(ad_campaign_id=ad_campaign_id)
    if owner_id:
        leads = leads.filter(owner_id=owner_id)
    if duplicates:
        leads = leads.filter(duplicate_of__isnull=False)
    search = search.strip()
    if search:
        if "@" in search:
            leads = leads.filter(email=search.lower())
        else:
            leads = leads.filter(Q(name__icontains=search) | Q(company__icontains=search))
    return leads.order_by("-id")


@dataclass
class Figures:
    """One line of the analytics: sums of the rollups and the rates derived from them."""

    key: Any
    label: str
    spend: Decimal = ZERO
    leads: int = 0
    customers: int = 0
    revenue: Decimal = ZERO

    def add(self, spend: Decimal, leads: int, customers: int, revenue: Decimal) -> None:
        # SQLite sums decimals into Decimal('100'): back to cents, as PostgreSQL answers.
        self.spend = (self.spend + spend).quantize(CENT)
        self.leads += leads
        self.customers += customers
        self.revenue = (self.revenue + revenue).quantize(CENT)

    @property
    def cost_per_lead(self) -> Decimal | None:
        return per(self.spend, self.leads)

    @property
    def conversion_rate(self) -> Decimal | None:
        return ratio(self.customers, self.leads)

    @property
    def roi(self) -> Decimal | None:
        return roi(revenue=self.revenue, spend=self.spend)

    def as_dict(self) -> dict[str, Any]:
        return {
            "spend": self.spend,
            "leads": self.leads,
            "cost_per_lead": self.cost_per_lead,
            "customers": self.customers,
            "conversion_rate": self.conversion_rate,
            "revenue": self.revenue,
            "roi": self.roi,
        }


@dataclass
class Analytics:
    since: datetime.date
    until: datetime.date
    total: Figures
    campaigns: list[Figures] = field(default_factory=list)
    channels: list[Figures] = field(default_factory=list)
    days: list[Figures] = field(default_factory=list)


def _sums(rollups: QuerySet[DailyRollup], *by: str) -> list[Any]:
    """(*group, spend, leads, customers, revenue) per value of the `by` columns."""
    return list(
        rollups.values(*by)
        .annotate(s=Sum("spend"), n=Sum("leads"), c=Sum("customers"), r=Sum("revenue"))
        .order_by(*by)
        .values_list(*by, "s", "n", "c", "r")
    )


def analytics_get(
    *, workspace: Workspace, since: datetime.date, until: datetime.date, channel: str = ""
) -> Analytics:
    """Spend, leads, customers, revenue and the rates per campaign, channel and day (both ends in)."""
    rollups = DailyRollup.objects.filter(workspace=workspace, day__gte=since, day__lte=until)
    if channel:
        rollups = rollups.filter(channel=channel)
    result = Analytics(since=since, until=until, total=Figures(key=None, label=""))
    names = dict(AdCampaign.objects.filter(workspace=workspace).values_list("pk", "name"))
    labels = dict(Channel.choices)
    by_channel: dict[str, Figures] = {}
    # One pass per campaign gives the channels and the total too: a campaign has one channel.
    for campaign_id, channel_key, *values in _sums(rollups, "ad_campaign_id", "channel"):
        line = Figures(key=campaign_id, label=names.get(campaign_id, ""))
        line.add(*values)
        result.campaigns.append(line)
        result.total.add(*values)
        if channel_key not in by_channel:
            by_channel[channel_key] = Figures(
                key=channel_key, label=str(labels.get(channel_key, channel_key))
            )
        by_channel[channel_key].add(*values)
    result.campaigns.sort(key=lambda f: (-f.revenue, f.label))
    result.channels = [by_channel[key] for key in sorted(by_channel)]
    for day, *values in _sums(rollups, "day"):
        line = Figures(key=day, label=day.isoformat())
        line.add(*values)
        result.days.append(line)
    return result


def customer_history(*, customer: Customer) -> dict[str, Any]:
    """A customer's leads, contracts and, through its subscriber, the emails and what they did."""
    history: dict[str, Any] = {
        "leads": list(
            customer.leads.select_related("ad_campaign", "email_campaign").order_by("-id")
        ),
        "contracts": list(
            customer.contracts.select_related("service").order_by("-signed_on", "-id")
        ),
        "emails": 0,
        "counts": {},
        "events": [],
    }
    if customer.subscriber_id:
        history["emails"] = Delivery.objects.filter(subscriber_id=customer.subscriber_id).count()
        events = Event.objects.filter(
            workspace_id=customer.workspace_id, subscriber_id=customer.subscriber_id
        )
        history["counts"] = dict(
            events.values("kind").annotate(n=Count("id")).values_list("kind", "n")
        )
        history["events"] = list(events.select_related("campaign").order_by("-at")[:50])
    return history


def email_campaign_figures(*, campaign: Any) -> dict[str, Any] | None:
    """The CRM figures of a Postroom email campaign, or None when no email ad campaign links it.

    Summed over all days of the rollups of the email-channel advertising
    campaigns linked to it (three queries whatever the number of leads), in
    the workspace's currency.
    """
    ids = list(
        AdCampaign.objects.filter(
            workspace_id=campaign.workspace_id, email_campaign=campaign, channel=Channel.EMAIL
        ).values_list("pk", flat=True)
    )
    if not ids:
        return None
    line = Figures(key=campaign.pk, label=campaign.name)
    for values in _sums(
        DailyRollup.objects.filter(workspace_id=campaign.workspace_id, ad_campaign_id__in=ids),
        "workspace_id",
    ):
        line.add(*values[1:])
    # Read, not get_or_create: a report page writes nothing; unset is the default currency.
    currency = (
        CrmSettings.objects.filter(workspace_id=campaign.workspace_id)
        .values_list("currency", flat=True)
        .first()
        or Currency.EUR
    )
    return {**line.as_dict(), "currency": currency, "ad_campaigns": len(ids)}
