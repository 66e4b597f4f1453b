"""The analytics page: figures per campaign and channel over a period, charts, CSV export."""

import datetime
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.crm import selectors
from postroom.crm.exports import analytics_csv
from postroom.crm.forms import PeriodForm
from postroom.crm.services.catalogue import crm_settings_get


def _period(request: WorkspaceRequest) -> tuple[PeriodForm, datetime.date, datetime.date]:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    until = data.get("until") or datetime.datetime.now(tz=datetime.UTC).date()
    since = data.get("since") or until - datetime.timedelta(days=29)
    since = max(since, until - datetime.timedelta(days=3660))
    return form, since, until


def _chart(result: selectors.Analytics) -> dict[str, Any]:
    """Chart.js data: strings for amounts, so no float ever rounds a cent on the way."""
    return {
        "days": [f.label for f in result.days],
        "spend": [str(f.spend) for f in result.days],
        "revenue": [str(f.revenue) for f in result.days],
        "funnel": [result.total.leads, result.total.customers],
    }


@workspace_view(Perm.CRM_VIEW)
def analytics_page(request: WorkspaceRequest) -> HttpResponse:
    form, since, until = _period(request)
    result = selectors.analytics_get(workspace=request.workspace, since=since, until=until)
    return render(
        request,
        "crm/analytics.html",
        {
            "form": form,
            "result": result,
            "chart": _chart(result),
            "currency": crm_settings_get(workspace=request.workspace).currency,
            "query": f"since={since}&until={until}",
        },
    )


@workspace_view(Perm.CRM_VIEW)
def analytics_export(request: WorkspaceRequest) -> HttpResponse:
    _form, since, until = _period(request)
    result = selectors.analytics_get(workspace=request.workspace, since=since, until=until)
    return analytics_csv(result, currency=crm_settings_get(workspace=request.workspace).currency)
