from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet, api_membership, request_user
from postroom.accounts.roles import Perm
from postroom.audience.models import Subscriber
from postroom.campaigns.models import Campaign
from postroom.content.models import Message
from postroom.content.serializers import MessageSerializer
from postroom.core.tenancy import get_scoped_or_404
from postroom.delivery.models import SmtpRelay
from postroom.delivery.selectors import campaign_progress, delivery_list
from postroom.delivery.sending.testsend import TestSendLimited, test_send_start
from postroom.delivery.serializers import (
    DeliveryFilterSerializer,
    DeliverySerializer,
    ProgressSerializer,
    RelaySerializer,
    TestSendResultSerializer,
    TestSendSerializer,
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


class MessageTestSendApi(WorkspaceViewSet):
    """`POST messages/{id}/test-send/`: routed beside the message viewset in `api.urls`.

    A delivery action on a content object; it lives here so that content never
    imports the sender.
    """

    model = Message
    # OPTIONS describes POST with the message's fields, as it did when this was an
    # action of the message viewset (the schema names the request's own serializer).
    serializer_class = MessageSerializer
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.CONTENT_CHANGE

    @extend_schema(request=TestSendSerializer, responses={202: TestSendResultSerializer})
    def test_send(self, request: Request, pk: str) -> Response:
        """Mail the rendered message to up to five addresses, in the background.

        Suppressed addresses are skipped (and listed); 429 past the hourly limits.
        """
        message = self.get_object()
        data = TestSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscriber_id = data.validated_data.get("subscriber")
        if subscriber_id:
            get_scoped_or_404(Subscriber, self.workspace, pk=subscriber_id)
        try:
            plan = test_send_start(
                workspace=self.workspace,
                user=request_user(request),
                message=message,
                to=data.validated_data["to"],
                subscriber_id=subscriber_id,
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except TestSendLimited as exc:
            raise exceptions.Throttled(detail=str(exc)) from exc
        return Response(TestSendResultSerializer(plan).data, status=status.HTTP_202_ACCEPTED)
