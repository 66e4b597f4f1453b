import csv
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.exports import cell_neutralize
from postroom.campaigns.models import Campaign, CampaignRun, Channel
from postroom.core.tenancy import get_scoped_or_404
from postroom.crm.selectors import email_campaign_figures
from postroom.reports.push import FIGURES as PUSH_FIGURES
from postroom.reports.push import push_report
from postroom.reports.selectors import (
    SERIES,
    report_domains,
    report_links,
    report_live,
    report_sandboxed,
    report_series,
    report_totals,
)


def _options(request: WorkspaceRequest, campaign: Campaign) -> dict[str, Any]:
    runs = list(CampaignRun.objects.filter(campaign=campaign).order_by("-scheduled_for")[:100])
    try:
        run_id = int(request.GET.get("run", "") or 0) or None
    except ValueError:
        run_id = None
    if run_id not in {r.pk for r in runs}:
        run_id = None
    return {"runs": runs, "run_id": run_id, "machine": request.GET.get("machine") == "1"}


def _report(campaign: Campaign, options: dict[str, Any]) -> dict[str, Any]:
    run_id, machine = options["run_id"], options["machine"]
    totals = report_totals(campaign, run_id=run_id, machine=machine)
    return {
        "totals": totals,
        "sandboxed": report_sandboxed(campaign, run_id=run_id),
        "series": report_series(campaign, run_id=run_id, machine=machine),
        "links": report_links(campaign, delivered=totals["delivered"], machine=machine),
        "domains": report_domains(campaign, run_id=run_id),
    }


def _push_report(request: WorkspaceRequest, campaign: Campaign) -> HttpResponse:
    options = _options(request, campaign)
    context = {
        "campaign": campaign,
        **options,
        "push": push_report(campaign, run_id=options["run_id"]),
        "live": report_live(campaign),
    }
    template = (
        "reports/_push_numbers.html"
        if request.headers.get("HX-Request")
        else "reports/campaign_report.html"
    )
    return render(request, template, context)


@workspace_view(Perm.REPORTS_VIEW)
def campaign_report(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    if campaign.channel == Channel.PUSH:
        return _push_report(request, campaign)
    options = _options(request, campaign)
    report = _report(campaign, options)
    chart = {
        "labels": [p["hour"].isoformat() for p in report["series"]],
        "series": {name: [p[name] for p in report["series"]] for name in SERIES},
    }
    context = {
        "campaign": campaign,
        **options,
        **report,
        "chart": chart,
        "live": report_live(campaign),
        # Only for those who may see the CRM; from its rollups, not the leads.
        "crm": (
            email_campaign_figures(campaign=campaign)
            if request.membership.has(Perm.CRM_VIEW)
            else None
        ),
    }
    template = (
        "reports/_numbers.html"
        if request.headers.get("HX-Request")
        else "reports/campaign_report.html"
    )
    return render(request, template, context)


@workspace_view(Perm.REPORTS_VIEW)
def campaign_report_csv(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The hourly series, the totals and the links of a report, as one CSV."""
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    options = _options(request, campaign)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-report.csv"'
    writer = csv.writer(response)
    if campaign.channel == Channel.PUSH:
        _push_csv(writer, push_report(campaign, run_id=options["run_id"]))
        return response
    report = _report(campaign, options)
    writer.writerow(["hour", *SERIES, "revenue"])
    for point in report["series"]:
        writer.writerow([point["hour"].isoformat(), *(point[n] for n in SERIES), point["revenue"]])
    writer.writerow([])
    totals = report["totals"]
    writer.writerow(["total", "value", "rate %"])
    for name in (
        "sent",
        "delivered",
        "failed",
        "deferred",
        "bounced_hard",
        "bounced_soft",
        "opens",
        "opens_unique",
        "clicks",
        "clicks_unique",
        "unsubscribed",
        "complained",
        "conversions",
        "revenue",
    ):
        rate_key = {
            "delivered": "delivered",
            "opens_unique": "opened",
            "clicks_unique": "clicked",
        }.get(name, name)
        writer.writerow([name, totals[name], totals["rates"].get(rate_key, "")])
    crm = (
        email_campaign_figures(campaign=campaign) if request.membership.has(Perm.CRM_VIEW) else None
    )
    if crm is not None:
        writer.writerow([])
        writer.writerow(["crm", "value", "currency"])
        for name in ("leads", "customers", "conversion_rate", "revenue", "spend", "roi"):
            value = crm[name]
            writer.writerow([name, "" if value is None else value, crm["currency"]])
    writer.writerow([])
    writer.writerow(["link", "clicks", "unique clicks", "machine clicks", "click rate %"])
    for link in report["links"]:
        writer.writerow(
            [
                cell_neutralize(link["url"]),
                link["clicks"],
                link["clicks_unique"],
                link["clicks_machine"],
                link["rate"],
            ]
        )
    return response


def _push_csv(writer: Any, report: dict[str, Any]) -> None:
    """A push report as rows: the totals, each variant, each platform, the failure reasons."""
    writer.writerow(["group", "name", *PUSH_FIGURES])
    writer.writerow(["total", "", *(report["totals"][n] for n in PUSH_FIGURES)])
    for row in report["variants"]:
        writer.writerow(["variant", row["variant"] or "", *(row[n] for n in PUSH_FIGURES)])
    for row in report["platforms"]:
        name = f"{row['kind']} {row['platform']}".strip()
        writer.writerow(["platform", cell_neutralize(name), *(row[n] for n in PUSH_FIGURES)])
    writer.writerow([])
    writer.writerow(["failure reason", "count"])
    for reason in report["reasons"]:
        writer.writerow([cell_neutralize(reason["reason"]), reason["count"]])
