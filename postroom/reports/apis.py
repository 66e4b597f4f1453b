"""A campaign's report over the API: counts, rates, the hourly series and link clicks.

Routed under the campaign (`/campaigns/{id}/stats/`, `/campaigns/{id}/links/`,
`/campaigns/{id}/push-stats/`)
by `postroom.api.urls`; reports sits above campaigns, so the campaign's own
viewset does not import it.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet, api_membership
from postroom.accounts.roles import Perm
from postroom.campaigns.models import Campaign
from postroom.reports.push import push_report
from postroom.reports.selectors import report_domains, report_links, report_series, report_totals
from postroom.reports.serializers import (
    LinkStatsSerializer,
    PushStatsSerializer,
    StatsFilterSerializer,
    StatsSerializer,
)


class CampaignReportApi(WorkspaceViewSet):
    """The report of one campaign of the request's workspace (the reports role needed)."""

    model = Campaign
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.WORKSPACE_VIEW
    http_method_names = ["get", "head", "options"]

    def _report_campaign(self, request: Request) -> tuple[Campaign, int | None, bool]:
        if not api_membership(request).has(Perm.REPORTS_VIEW):
            raise exceptions.PermissionDenied
        campaign = self.get_object()
        filters = StatsFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return campaign, filters.validated_data.get("run"), filters.validated_data["machine"]

    @extend_schema(parameters=[StatsFilterSerializer], responses=StatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: str) -> Response:
        """Counts, rates, the hourly series and the top failing domains (from aggregates)."""
        campaign, run_id, machine = self._report_campaign(request)
        data = report_totals(campaign, run_id=run_id, machine=machine)
        data["series"] = report_series(campaign, run_id=run_id, machine=machine)
        data["failing_domains"] = report_domains(campaign, run_id=run_id)
        return Response(StatsSerializer(data).data)

    @extend_schema(parameters=[StatsFilterSerializer], responses=PushStatsSerializer)
    @action(detail=True, methods=["get"], url_path="push-stats")
    def push_stats(self, request: Request, pk: str) -> Response:
        """A push campaign's sent, delivered, failed by reason, clicked and invalid tokens
        removed, per variant and per platform (an email campaign's are all zero)."""
        campaign, run_id, _machine = self._report_campaign(request)
        return Response(PushStatsSerializer(push_report(campaign, run_id=run_id)).data)

    # The links of one message: a short list, whole, not a page.
    @extend_schema(parameters=[StatsFilterSerializer], responses=LinkStatsSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def links(self, request: Request, pk: str) -> Response:
        """Tracked links of the campaign's message with their clicks."""
        campaign, _run_id, machine = self._report_campaign(request)
        delivered = report_totals(campaign)["delivered"]
        links = report_links(campaign, delivered=delivered, machine=machine)
        return Response(LinkStatsSerializer(links, many=True).data)
