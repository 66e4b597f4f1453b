"""`/api/v1/webhooks/`: a workspace's event endpoints, their secrets, test events and logs."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet, api_membership
from postroom.accounts.roles import Perm
from postroom.webhooks.models import WebhookEndpoint
from postroom.webhooks.selectors import message_log
from postroom.webhooks.serializers import (
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
    WebhookMessageFilterSerializer,
    WebhookMessageSerializer,
    WebhookSecretSerializer,
)
from postroom.webhooks.services import endpoints


class WebhookEndpointApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceViewSet,
):
    """Endpoints that receive the workspace's events, signed as Standard Webhooks."""

    model = WebhookEndpoint
    serializer_class = WebhookEndpointSerializer
    read_perm = Perm.WEBHOOK_MANAGE
    write_perm = Perm.WEBHOOK_MANAGE

    def base_queryset(self) -> QuerySet[WebhookEndpoint]:
        return WebhookEndpoint.objects.all()

    @extend_schema(
        request=WebhookEndpointSerializer, responses={201: WebhookEndpointCreatedSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create an endpoint; the answer carries its signing secret."""
        data = WebhookEndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = api_membership(request)
        endpoint = endpoints.endpoint_save(actor=membership, **data.validated_data)
        body = dict(WebhookEndpointSerializer(endpoint).data)
        body["secret"] = endpoints.endpoint_secret(actor=membership, endpoint=endpoint)
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = endpoints.endpoint_save(
            actor=api_membership(self.request),
            endpoint=serializer.instance,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        endpoints.endpoint_delete(actor=api_membership(self.request), endpoint=instance)

    @extend_schema(responses=WebhookSecretSerializer)
    @action(detail=True, methods=["get"])
    def secret(self, request: Request, pk: str) -> Response:
        """The endpoint's signing secret."""
        secret = endpoints.endpoint_secret(
            actor=api_membership(request), endpoint=self.get_object()
        )
        return Response({"secret": secret})

    @extend_schema(request=None, responses=WebhookSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        """A new signing secret, used from the next attempt on; the old one stops at once."""
        secret = endpoints.endpoint_secret_rotate(
            actor=api_membership(request), endpoint=self.get_object()
        )
        return Response({"secret": secret})

    @extend_schema(request=None, responses={202: WebhookMessageSerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        """Send a `test` event to this endpoint now (its result appears in `messages/`)."""
        message = endpoints.endpoint_test(actor=api_membership(request), endpoint=self.get_object())
        return Response(WebhookMessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=WebhookEndpointSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk: str) -> Response:
        """Enable a disabled endpoint; its waiting messages are tried at once."""
        endpoint = endpoints.endpoint_enable(
            actor=api_membership(request), endpoint=self.get_object()
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        parameters=[WebhookMessageFilterSerializer], responses=WebhookMessageSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def messages(self, request: Request, pk: str) -> Response:
        """The endpoint's messages, newest first, each with every attempt's answer."""
        filters = WebhookMessageFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        log = message_log(self.get_object(), status=filters.validated_data.get("status", ""))
        page = self.paginate_queryset(log)
        return self.get_paginated_response(WebhookMessageSerializer(page, many=True).data)
