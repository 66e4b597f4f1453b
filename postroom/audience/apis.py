from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet, request_user
from postroom.accounts.roles import Perm
from postroom.audience import exports, selectors
from postroom.audience.models import (
    CustomField,
    Import,
    MailingList,
    Segment,
    Subscriber,
    Subscription,
    Suppression,
)
from postroom.audience.serializers import (
    CountSerializer,
    CustomFieldSerializer,
    ImportCreateSerializer,
    ImportIssueSerializer,
    ImportSerializer,
    ListSubscriptionSerializer,
    ListSubscriptionWriteSerializer,
    MailingListSerializer,
    SegmentSerializer,
    SubscriberSerializer,
    SuppressionSerializer,
)
from postroom.audience.services import imports as import_services
from postroom.audience.services import lists as list_services
from postroom.audience.services import subscribers as subscriber_services
from postroom.audience.services import suppressions as suppression_services
from postroom.audience.services.custom_fields import custom_field_delete, custom_field_save
from postroom.audience.services.segments import segment_save
from postroom.audience.services.subscriptions import subscription_set
from postroom.core.rest.parsers import JSONParser
from postroom.core.tenancy import get_scoped_or_404, scoped


class _AudienceViewSet(WorkspaceViewSet):
    read_perm = Perm.AUDIENCE_VIEW
    write_perm = Perm.AUDIENCE_CHANGE


class _AudienceModelViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _AudienceViewSet,
):
    """List, create, read, change (PATCH) and delete; no PUT."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


_SUBSCRIBER_FILTERS = [
    OpenApiParameter("list", int, description="on this list (any subscription status)"),
    OpenApiParameter("status", str, description="active or blocklisted"),
    OpenApiParameter("segment", int, description="matching this segment"),
    OpenApiParameter("search", str, description="part of the email, name or external id"),
    OpenApiParameter("email", str, description="exactly this address"),
    OpenApiParameter("external_id", str, description="exactly this external id"),
]


@extend_schema(parameters=_SUBSCRIBER_FILTERS)
class SubscriberApi(_AudienceModelViewSet):
    model = Subscriber
    serializer_class = SubscriberSerializer

    def get_queryset(self) -> QuerySet[Subscriber]:
        if getattr(self, "swagger_fake_view", False):
            return Subscriber.objects.none()
        params = self.request.query_params
        segment = None
        if params.get("segment"):
            segment = get_scoped_or_404(Segment, self.workspace, pk=params["segment"])
        list_id = params.get("list")
        return selectors.subscriber_list(
            workspace=self.workspace,
            search=params.get("search", ""),
            status=params.get("status", ""),
            list_id=int(list_id) if list_id and list_id.isdigit() else None,
            segment=segment,
            email=params.get("email"),
            external_id=params.get("external_id"),
        ).prefetch_related("subscriptions")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        lists = [get_scoped_or_404(MailingList, self.workspace, pk=i) for i in data.pop("lists")]
        data.pop("source", None)
        serializer.instance = subscriber_services.subscriber_create(
            workspace=self.workspace, lists=lists, source="api", **data
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("lists", None)
        serializer.instance = subscriber_services.subscriber_update(
            subscriber=serializer.instance, **data
        )

    def perform_destroy(self, instance: Subscriber) -> None:
        subscriber_services.subscriber_delete(subscriber=instance)

    @extend_schema(
        request=SubscriberSerializer,
        responses={200: SubscriberSerializer, 201: SubscriberSerializer},
    )
    @action(detail=False, methods=["post"])
    def upsert(self, request: Request) -> Response:
        """Change the subscriber with this external id (else this email), or create one.

        200 with the subscriber changed, 201 with one created. Fields left out
        keep their value; `lists` are added where the subscriber is not on
        them yet (an unsubscribed person stays unsubscribed).
        """
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lists = [get_scoped_or_404(MailingList, self.workspace, pk=i) for i in data.pop("lists")]
        data.pop("source", None)
        subscriber, created = subscriber_services.subscriber_upsert(
            workspace=self.workspace, lists=lists, source="api", **data
        )
        subscriber = (
            scoped(Subscriber, self.workspace)
            .prefetch_related("subscriptions")
            .get(pk=subscriber.pk)
        )
        return Response(
            self.get_serializer(subscriber).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[
            *_SUBSCRIBER_FILTERS,
            OpenApiParameter("columns", str, description="comma-separated; attr:<name> for fields"),
        ],
        responses={(200, "text/csv"): str},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> StreamingHttpResponse:
        """The filtered subscribers as CSV, streamed."""
        names = CustomField.objects.filter(workspace=self.workspace).values_list("name", flat=True)
        columns = exports.export_columns_clean(
            request.query_params.get("columns", "").split(","), list(names)
        )
        response = StreamingHttpResponse(
            exports.subscribers_csv(self.get_queryset(), columns), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        return response


class MailingListApi(_AudienceModelViewSet):
    model = MailingList
    serializer_class = MailingListSerializer

    def base_queryset(self) -> QuerySet[MailingList]:
        return selectors.mailing_lists_counted(MailingList.objects.all())

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = list_services.mailing_list_create(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = list_services.mailing_list_update(
            mailing_list=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: MailingList) -> None:
        list_services.mailing_list_delete(mailing_list=instance)

    @extend_schema(
        methods=["GET"],
        responses=ListSubscriptionSerializer(many=True),
        parameters=[OpenApiParameter("status", str)],
    )
    @extend_schema(
        methods=["POST"],
        request=ListSubscriptionWriteSerializer,
        responses=ListSubscriptionSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def subscriptions(self, request: Request, pk: str) -> Response:
        """Who is on the list; POST sets one subscriber's status (subscribe, unsubscribe)."""
        mailing_list = self.get_object()
        if request.method == "POST":
            data = ListSubscriptionWriteSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            subscriber = get_scoped_or_404(
                Subscriber, self.workspace, pk=data.validated_data["subscriber"]
            )
            subscription = subscription_set(
                subscriber=subscriber,
                mailing_list=mailing_list,
                status=data.validated_data["status"],
                source="api",
            )
            return Response(ListSubscriptionSerializer(subscription).data, status.HTTP_201_CREATED)
        subscriptions = (
            scoped(Subscription, self.workspace)
            .filter(mailing_list=mailing_list)
            .select_related("subscriber")
            .order_by("-id")
        )
        if request.query_params.get("status"):
            subscriptions = subscriptions.filter(status=request.query_params["status"])
        page = self.paginate_queryset(subscriptions)
        return self.get_paginated_response(ListSubscriptionSerializer(page, many=True).data)


class SegmentApi(_AudienceModelViewSet):
    model = Segment
    serializer_class = SegmentSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False):
            context["workspace"] = self.workspace
        return context

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = segment_save(
            workspace=self.workspace, user=request_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = segment_save(
            workspace=self.workspace,
            segment=serializer.instance,
            user=request_user(self.request),
            **serializer.validated_data,
        )

    @extend_schema(responses=CountSerializer)
    @action(detail=True, methods=["get"])
    def count(self, request: Request, pk: str) -> Response:
        return Response({"count": selectors.segment_count(segment=self.get_object())})


class CustomFieldApi(_AudienceModelViewSet):
    model = CustomField
    serializer_class = CustomFieldSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = custom_field_save(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = custom_field_save(
            workspace=self.workspace, field=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: CustomField) -> None:
        custom_field_delete(field=instance)


class SuppressionApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    _AudienceViewSet,
):
    model = Suppression
    serializer_class = SuppressionSerializer

    def base_queryset(self) -> QuerySet[Suppression]:
        return Suppression.objects.order_by("-id")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = suppression_services.suppression_add(
            workspace=self.workspace,
            value=serializer.validated_data["value"],
            reason=serializer.validated_data["reason"],
            note=serializer.validated_data.get("note", ""),
        )


class ImportApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, _AudienceViewSet):
    model = Import
    serializer_class = ImportSerializer
    parser_classes = (MultiPartParser, FormParser, JSONParser)  # ours: deep nesting is a 400

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer}, responses=ImportSerializer
    )
    def create(self, request: Request) -> Response:
        """Upload a CSV and start importing it; poll the import for progress and the report."""
        data = ImportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lists = [
            get_scoped_or_404(MailingList, self.workspace, pk=i)
            for i in data.validated_data["lists"]
        ]
        job = import_services.import_create(
            workspace=self.workspace,
            user=request_user(request),
            upload=data.validated_data["file"],
            mapping=data.validated_data.get("mapping"),
            mode=data.validated_data["mode"],
            lists=lists,
            subscription_status=data.validated_data["status"],
        )
        job.refresh_from_db()
        return Response(ImportSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ImportIssueSerializer(many=True))
    @action(detail=True, methods=["get"])
    def issues(self, request: Request, pk: str) -> Response:
        """The refused rows, with line numbers and reasons."""
        page = self.paginate_queryset(self.get_object().issues.all())
        return self.get_paginated_response(ImportIssueSerializer(page, many=True).data)
