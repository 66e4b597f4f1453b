from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet, api_membership, request_user
from postroom.accounts.roles import Perm
from postroom.campaigns import services
from postroom.campaigns.channels import channel_related
from postroom.campaigns.models import Campaign
from postroom.campaigns.serializers import (
    CampaignEventSerializer,
    CampaignRunSerializer,
    CampaignSerializer,
    DecisionSerializer,
    DisableSerializer,
    RetriedSerializer,
)


def _owned(workspace: Any, data: dict[str, Any]) -> None:
    """Related objects must be the workspace's own: checked before anything is saved."""
    for field in ("message", "segment", "exclude_segment"):
        obj = data.get(field)
        if obj is not None and obj.workspace_id != workspace.pk:
            raise DjangoValidationError({field: _("Not found.")})
    for field in ("lists", "exclude_lists"):
        if any(m.workspace_id != workspace.pk for m in data.get(field, [])):
            raise DjangoValidationError({field: _("Not found.")})


class CampaignApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    WorkspaceViewSet,
):
    """Campaigns of the request's workspace; state changes are actions."""

    model = Campaign
    serializer_class = CampaignSerializer
    read_perm = Perm.WORKSPACE_VIEW
    # Each action checks its own permission in the service (send, approve, change).
    write_perm = Perm.WORKSPACE_VIEW
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[Campaign]:
        return Campaign.objects.select_related("message", *channel_related()).prefetch_related(
            "lists", "exclude_lists"
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        _owned(self.workspace, data)
        # Unless given, a new campaign runs in its author's zone, as in the app.
        data.setdefault("time_zone", request_user(self.request).time_zone or "UTC")
        serializer.instance = services.campaign_save(actor=api_membership(self.request), **data)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        _owned(self.workspace, data)
        serializer.instance = services.campaign_save(
            actor=api_membership(self.request), campaign=serializer.instance, **data
        )

    def _do(self, request: Request, change: Any) -> Response:
        campaign = change(api_membership(request), self.get_object())
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        """Send as scheduled (or submit for approval when the workspace requires it)."""
        return self._do(request, lambda m, c: services.campaign_schedule(actor=m, campaign=c))

    def _decide(self, request: Request, *, approve: bool) -> Response:
        comment = DecisionSerializer(data=request.data)
        comment.is_valid(raise_exception=True)
        return self._do(
            request,
            lambda m, c: services.campaign_decide(
                actor=m, campaign=c, approve=approve, comment=comment.validated_data["comment"]
            ),
        )

    @extend_schema(request=DecisionSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(request=DecisionSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=False)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str) -> Response:
        return self._do(
            request, lambda m, c: services.campaign_transition(actor=m, campaign=c, action="pause")
        )

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._do(
            request, lambda m, c: services.campaign_transition(actor=m, campaign=c, action="resume")
        )

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._do(
            request, lambda m, c: services.campaign_transition(actor=m, campaign=c, action="cancel")
        )

    @extend_schema(request=None, responses={201: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, pk: str) -> Response:
        clone = services.campaign_clone(actor=api_membership(request), campaign=self.get_object())
        return Response(CampaignSerializer(clone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: CampaignRunSerializer, 202: CampaignSerializer})
    @action(detail=True, methods=["post"], url_path="send-now")
    def send_now(self, request: Request, pk: str) -> Response:
        """Run the campaign now: 201 with the run; 202 with the campaign when it needs approval
        and was submitted instead (a draft is scheduled first)."""
        campaign = self.get_object()
        run = services.campaign_send_now(actor=api_membership(request), campaign=campaign)
        if run is None:  # it needs approval: submitted instead
            campaign.refresh_from_db()
            return Response(CampaignSerializer(campaign).data, status=status.HTTP_202_ACCEPTED)
        return Response(CampaignRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RetriedSerializer)
    @action(detail=True, methods=["post"], url_path="retry-failed")
    def retry_failed(self, request: Request, pk: str) -> Response:
        """Queue the failed recipients of the campaign's runs again, and only them."""
        count = services.campaign_retry_failed(
            actor=api_membership(request), campaign=self.get_object()
        )
        return Response({"retried": count})

    @extend_schema(responses=CampaignEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        page = self.paginate_queryset(self.get_object().events.select_related("user"))
        return self.get_paginated_response(CampaignEventSerializer(page, many=True).data)

    @extend_schema(responses=CampaignRunSerializer(many=True))
    @action(detail=True, methods=["get"])
    def runs(self, request: Request, pk: str) -> Response:
        page = self.paginate_queryset(self.get_object().runs.all())
        return self.get_paginated_response(CampaignRunSerializer(page, many=True).data)


class _HasPlatformPerm(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        needed = (
            "campaigns.disable_campaign"
            if request.method == "POST"
            else "campaigns.view_all_campaigns"
        )
        return bool(user and user.is_authenticated and user.has_perm(needed))


class StaffCampaignApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every workspace's campaigns, for platform managers: read, disable, enable; never edit."""

    serializer_class = CampaignSerializer
    permission_classes = (permissions.IsAuthenticated, _HasPlatformPerm)
    # Platform staff act across workspaces: the one API that is not workspace-scoped.
    queryset = Campaign.objects.order_by("-id")

    def get_queryset(self) -> QuerySet[Campaign]:
        # Each campaign's channel content with it (registered once the apps are ready).
        return (
            super()
            .get_queryset()
            .select_related("message", *channel_related())
            .prefetch_related("lists", "exclude_lists")
        )

    @extend_schema(request=DisableSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk: str) -> Response:
        data = DisableSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_disable(
            by=request_user(request),
            campaign=self.get_object(),
            reason=data.validated_data["reason"],
        )
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str) -> Response:
        campaign = services.campaign_enable(by=request_user(request), campaign=self.get_object())
        return Response(CampaignSerializer(campaign).data)
