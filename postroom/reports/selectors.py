"""Report figures read from aggregates only: a few rows per campaign, never the event log."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from postroom.campaigns.models import Campaign, CampaignStatus
from postroom.delivery.models import SandboxMessage
from postroom.reports.models import METRICS, Counter, FailedDomain
from postroom.tracking.models import Link

_SUMS = {name: Sum(name) for name in (*METRICS, "revenue")}


def _ratio(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _counters(campaign: Campaign, run_id: int | None) -> Any:
    rows = Counter.objects.filter(campaign=campaign)
    return rows.filter(run_id=run_id) if run_id else rows


def report_totals(
    campaign: Campaign, *, run_id: int | None = None, machine: bool = False
) -> dict[str, Any]:
    """Counts and rates of a campaign (or one run). `machine`: count proxies and scanners too."""
    raw = _counters(campaign, run_id).aggregate(**_SUMS)
    totals: dict[str, Any] = {name: raw[name] or 0 for name in METRICS}
    totals["revenue"] = raw["revenue"] or Decimal("0")
    bounced = totals["bounced_hard"] + totals["bounced_soft"]
    totals["bounced"] = bounced
    totals["delivered"] = max(totals["sent"] - bounced, 0)
    if machine:
        totals["opens"] += totals["opens_machine"]
        totals["clicks"] += totals["clicks_machine"]
        totals["opens_unique"] = totals["opens_unique_any"]
        totals["clicks_unique"] = totals["clicks_unique_any"]
    delivered = totals["delivered"]
    totals["rates"] = {
        "delivered": _ratio(delivered, totals["sent"]),
        "bounced": _ratio(bounced, totals["sent"]),
        "opened": _ratio(totals["opens_unique"], delivered),
        "clicked": _ratio(totals["clicks_unique"], delivered),
        "click_to_open": _ratio(totals["clicks_unique"], totals["opens_unique"]),
        "unsubscribed": _ratio(totals["unsubscribed"], delivered),
        "complained": _ratio(totals["complained"], delivered),
        "converted": _ratio(totals["conversions"], delivered),
    }
    totals["machine_included"] = machine
    return totals


def report_sandboxed(campaign: Campaign, *, run_id: int | None = None) -> int:
    """How many of the sent messages the sandbox kept: accepted, yet nothing left the machine.

    Counted from the sandbox's own rows (a file each, a sink for trying things
    out), which stay few next to the counters of real sending.
    """
    kept = SandboxMessage.objects.filter(
        workspace_id=campaign.workspace_id, delivery__run__campaign=campaign
    )
    return (kept.filter(delivery__run_id=run_id) if run_id else kept).count()


SERIES = ("sent", "opens", "clicks", "unsubscribed", "bounced", "conversions")


def report_series(
    campaign: Campaign, *, run_id: int | None = None, machine: bool = False
) -> list[dict[str, Any]]:
    """Per hour: sent, opens, clicks, unsubscribes, bounces, conversions (a chart's points)."""
    rows = _counters(campaign, run_id).values("hour").annotate(**_SUMS).order_by("hour")
    points = []
    for row in rows:
        opens, clicks = row["opens"] or 0, row["clicks"] or 0
        if machine:
            opens += row["opens_machine"] or 0
            clicks += row["clicks_machine"] or 0
        points.append(
            {
                "hour": row["hour"],
                "sent": row["sent"] or 0,
                "opens": opens,
                "clicks": clicks,
                "unsubscribed": row["unsubscribed"] or 0,
                "bounced": (row["bounced_hard"] or 0) + (row["bounced_soft"] or 0),
                "conversions": row["conversions"] or 0,
                "revenue": row["revenue"] or Decimal("0"),
            }
        )
    return points


def report_links(
    campaign: Campaign, *, delivered: int, machine: bool = False
) -> list[dict[str, Any]]:
    links = []
    for link in Link.objects.filter(campaign=campaign).order_by("-clicks_unique", "position"):
        clicks = link.clicks + (link.clicks_machine if machine else 0)
        links.append(
            {
                "id": link.pk,
                "url": link.url,
                "clicks": clicks,
                "clicks_unique": link.clicks_unique,
                "clicks_machine": link.clicks_machine,
                "rate": _ratio(link.clicks_unique, delivered),
            }
        )
    return links


def report_domains(
    campaign: Campaign, *, run_id: int | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    rows = FailedDomain.objects.filter(campaign=campaign)
    if run_id:
        rows = rows.filter(run_id=run_id)
    return [
        dict(row)
        for row in rows.values("domain")
        .annotate(failed=Sum("failed"), bounced=Sum("bounced"))
        .filter(Q(failed__gt=0) | Q(bounced__gt=0))
        .order_by("-failed", "-bounced", "domain")[:limit]
    ]


def report_live(campaign: Campaign) -> bool:
    """Whether the numbers are still moving (the page refreshes them)."""
    return (
        campaign.status in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED)
        or campaign.runs.filter(finished_at__isnull=True).exists()
    )
