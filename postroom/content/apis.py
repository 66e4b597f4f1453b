from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet, request_user
from postroom.accounts.roles import Perm
from postroom.audience.models import Subscriber
from postroom.content import services
from postroom.content.models import ContentBlock, Layout, Message
from postroom.content.previews import message_preview
from postroom.content.serializers import (
    ContentBlockSerializer,
    LayoutSerializer,
    LinkCheckSerializer,
    MessageSerializer,
    PreviewRequestSerializer,
    PreviewSerializer,
)
from postroom.content.templating import TemplateError
from postroom.core.tenancy import get_scoped_or_404


class _ContentViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceViewSet,
):
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.CONTENT_CHANGE
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


def _own(workspace: Any, obj: Any, field: str) -> None:
    if obj is not None and obj.workspace_id != workspace.pk:
        raise DjangoValidationError({field: _("Not found.")})


class MessageApi(_ContentViewSet):
    model = Message
    serializer_class = MessageSerializer

    def perform_create(self, serializer: Any) -> None:
        _own(self.workspace, serializer.validated_data.get("layout"), "layout")
        serializer.instance = services.message_save(
            workspace=self.workspace, user=request_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        _own(self.workspace, serializer.validated_data.get("layout"), "layout")
        serializer.instance = services.message_save(
            workspace=self.workspace,
            message=serializer.instance,
            user=request_user(self.request),
            **serializer.validated_data,
        )

    @extend_schema(
        parameters=[OpenApiParameter("subscriber", int, description="render as this subscriber")],
        responses=PreviewSerializer,
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> Response:
        """The message rendered as a subscriber (or a sample one) receives it, CSS inlined."""
        data = PreviewRequestSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        subscriber = None
        if data.validated_data.get("subscriber"):
            subscriber = get_scoped_or_404(
                Subscriber, self.workspace, pk=data.validated_data["subscriber"]
            )
        message = self.get_object()
        try:
            rendered = message_preview(
                message=message,
                subscriber=subscriber,
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except TemplateError as exc:
            raise services.render_error(message, exc) from exc
        return Response(rendered.__dict__)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"], url_path="check-links")
    def check_links(self, request: Request, pk: str) -> Response:
        """Check every link of the current version in the background; see `links`."""
        services.message_links_check_start(message=self.get_object())
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=LinkCheckSerializer)
    @action(detail=True, methods=["get"])
    def links(self, request: Request, pk: str) -> Response:
        """The latest link report of the current version (404 before the first check)."""
        message = self.get_object()
        check = message.link_checks.filter(version=message.version).first()
        if check is None:
            raise Http404
        return Response(LinkCheckSerializer(check).data)


class LayoutApi(_ContentViewSet):
    model = Layout
    serializer_class = LayoutSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.layout_save(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.layout_save(
            workspace=self.workspace, layout=serializer.instance, **serializer.validated_data
        )


class ContentBlockApi(_ContentViewSet):
    model = ContentBlock
    serializer_class = ContentBlockSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.block_save(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.block_save(
            workspace=self.workspace, block=serializer.instance, **serializer.validated_data
        )
