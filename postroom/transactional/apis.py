"""`POST /api/v1/tx/` sends transactional messages; `GET /api/v1/tx/{id}/` tells what became of one."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet
from postroom.accounts.roles import Perm
from postroom.core.rest.errors import Conflict
from postroom.transactional.models import TxMessage, TxState
from postroom.transactional.selectors import tx_message_get, tx_messages
from postroom.transactional.serializers import (
    TxAcceptedSerializer,
    TxMessageSerializer,
    TxSendSerializer,
)
from postroom.transactional.services.submit import IdempotencyConflict, TxSubmission, tx_submit
from postroom.transactional.throttling import ApiKeyRateThrottle

IDEMPOTENCY_HEADER = "Idempotency-Key"


class TxApi(mixins.ListModelMixin, WorkspaceViewSet):
    """Transactional messages of the workspace."""

    model = TxMessage
    serializer_class = TxMessageSerializer
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.CAMPAIGN_SEND
    lookup_value_regex = "tx_[0-9a-f]{32}"
    http_method_names = ["get", "post", "head", "options"]

    throttle_classes = (ApiKeyRateThrottle,)

    def get_throttles(self) -> list[Any]:
        return super().get_throttles() if self.request.method == "POST" else []

    def base_queryset(self) -> QuerySet[TxMessage]:
        return TxMessage.objects.all()

    def get_queryset(self) -> QuerySet[TxMessage]:
        if getattr(self, "swagger_fake_view", False):
            return TxMessage.objects.none()
        status_ = self.request.query_params.get("status", "")
        return tx_messages(workspace=self.workspace, status=status_).prefetch_related(
            "delivery__attempt_log"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=TxState.values, description="only in this state")
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The workspace's messages, newest first, each with every attempt."""
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, pk: str) -> Response:
        """A message's state and every attempt to hand it to the relay."""
        message = tx_message_get(workspace=self.workspace, public_id=pk)
        if message is None:
            raise exceptions.NotFound()
        return Response(TxMessageSerializer(message).data)

    @extend_schema(
        request=TxSendSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                description="A retry with the same key within 24 hours answers with the first "
                "request's messages and sends nothing again",
            )
        ],
        responses={
            202: TxAcceptedSerializer,
            409: OpenApiResponse(
                description="The Idempotency-Key was used for a different request in the last 24 hours."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        """Send a template to one recipient, or up to 50 (one message each), in the background.

        202 at once with the messages' ids; the worker sends them before any campaign work.
        """
        data = TxSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if len(key) > 255 or any(ord(char) < 32 for char in key):
            raise exceptions.ValidationError(
                {IDEMPOTENCY_HEADER: ["At most 255 printable characters."]}
            )
        submission = TxSubmission(
            template=data.validated_data["template"],
            to=data.validated_data["to"],
            data=data.validated_data["data"],
            headers=data.validated_data["headers"],
            attachments=data.attachments_list(),
            create_recipient=data.validated_data["create_recipient"],
            idempotency_key=key,
        )
        try:
            accepted = tx_submit(workspace=self.workspace, submission=submission)
        except IdempotencyConflict as exc:
            raise Conflict(str(exc), code="idempotency_conflict") from exc
        body = TxAcceptedSerializer({"messages": accepted.messages, "replayed": accepted.replayed})
        return Response(body.data, status=status.HTTP_202_ACCEPTED)
