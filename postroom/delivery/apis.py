from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.roles import Perm
from postroom.api.workspace import WorkspaceViewSet, api_membership
from postroom.campaigns.models import Campaign
from postroom.delivery.models import SmtpRelay
from postroom.delivery.selectors import campaign_progress, delivery_list
from postroom.delivery.serializers import (
    DeliveryFilterSerializer,
    DeliverySerializer,
    ProgressSerializer,
    RelaySerializer,
)
from postroom.delivery.services import relays


class RelayApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceViewSet,
):
    """The workspace's SMTP relays; passwords and DKIM keys can be written, never read."""

    model = SmtpRelay
    serializer_class = RelaySerializer
    read_perm = Perm.RELAY_MANAGE
    write_perm = Perm.RELAY_MANAGE

    def base_queryset(self) -> QuerySet[SmtpRelay]:
        return SmtpRelay.objects.all()

    def _save(self, serializer: Any, relay: SmtpRelay | None) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = relays.relay_save(
            actor=api_membership(self.request),
            relay=relay,
            password=data.pop("password", None),
            dkim_key=data.pop("dkim_key", None),
            mailbox_password=data.pop("mailbox_password", None),
            **data,
        )

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: SmtpRelay) -> None:
        relays.relay_delete(actor=api_membership(self.request), relay=instance)


class CampaignOutboxApi(WorkspaceViewSet):
    """A campaign's outbox: its progress and every recipient's delivery (`/campaigns/{id}/…`)."""

    model = Campaign
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.WORKSPACE_VIEW
    http_method_names = ["get", "head", "options"]

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        """How far the campaign's sending is: its deliveries counted by state."""
        return Response(ProgressSerializer(campaign_progress(self.get_object())).data)

    @extend_schema(parameters=[DeliveryFilterSerializer], responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        """Every recipient of the campaign with its state and every attempt's answer."""
        filters = DeliveryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(delivery_list(self.get_object(), **filters.to_filters()))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
