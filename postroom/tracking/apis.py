import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, pagination, status
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspaceViewSet
from postroom.accounts.roles import Perm
from postroom.audience.emails import email_normalize
from postroom.audience.models import Subscriber
from postroom.campaigns.models import CampaignRun
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.tracking.hits import conversion_uid, hit_make
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.models import Event, EventKind
from postroom.tracking.serializers import (
    ConversionResultSerializer,
    ConversionSerializer,
    EventFilterSerializer,
    EventSerializer,
)
from postroom.tracking.tokens import VISITOR, token_read


class EventCursor(pagination.CursorPagination):
    """Newest first, by id: no COUNT over millions of events, stable while events arrive."""

    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class EventApi(mixins.ListModelMixin, WorkspaceViewSet):
    """The event log: opens, clicks, page views, conversions, unsubscribes, bounces, complaints."""

    model = Event
    serializer_class = EventSerializer
    read_perm = Perm.REPORTS_VIEW
    write_perm = Perm.REPORTS_VIEW
    pagination_class = EventCursor

    def base_queryset(self) -> QuerySet[Event]:
        return Event.objects.all()

    @extend_schema(parameters=[EventFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Event]:
        events = Event.objects.filter(workspace=self.workspace)
        filters = EventFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data.get("type"):
            events = events.filter(kind=data["type"])
        if data.get("campaign"):
            events = events.filter(campaign_id=data["campaign"])
        if data.get("subscriber"):
            events = events.filter(subscriber_id=data["subscriber"])
        if data.get("since"):
            events = events.filter(at__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__lt=data["until"])
        if data.get("machine") is not None:
            events = events.filter(machine=data["machine"])
        return events


class ConversionApi(mixins.ListModelMixin, WorkspaceViewSet):
    """Conversions: list them, or record one from your server (server-to-server)."""

    model = Event
    serializer_class = EventSerializer
    read_perm = Perm.REPORTS_VIEW
    write_perm = Perm.CAMPAIGN_CHANGE
    pagination_class = EventCursor

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.filter(workspace=self.workspace, kind=EventKind.CONVERSION)

    def _target(self, data: dict[str, Any]) -> tuple[int, int] | None:
        """(delivery, campaign) the conversion counts for, in this workspace."""
        ours = Delivery.objects.filter(run__campaign__workspace=self.workspace)
        if data.get("visitor"):
            ids = token_read(VISITOR, data["visitor"])
            return (
                ours.filter(pk=ids[0]).values_list("pk", "run__campaign_id").first()
                if ids
                else None
            )
        since = timezone.now() - dt.timedelta(days=settings.TRACKING_ATTRIBUTION_DAYS)
        try:
            email = email_normalize(data["email"])
        except ValidationError:
            return None
        # By the subscriber, then the recent runs: both indexed, never a scan of the outbox.
        subscribers = Subscriber.objects.filter(workspace=self.workspace, email=email)
        runs = CampaignRun.objects.filter(campaign__workspace=self.workspace, started_at__gte=since)
        if data.get("campaign"):
            runs = runs.filter(campaign_id=data["campaign"])
        candidates = Delivery.objects.filter(
            run_id__in=runs.values("pk"),
            subscriber_id__in=subscribers.values("pk"),
            status__in=(DeliveryStatus.SENT, DeliveryStatus.HELD),
        )
        return (
            candidates.order_by("-run__started_at", "-pk")
            .values_list("pk", "run__campaign_id")
            .first()
        )

    @extend_schema(
        request=ConversionSerializer,
        responses={201: ConversionResultSerializer, 200: ConversionResultSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = ConversionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = self._target(data)
        if target is None:  # forged, or another workspace's visitor: the same answer
            if data.get("visitor"):
                raise exceptions.ValidationError({"visitor": ["Unknown visitor."]})
            raise exceptions.ValidationError(
                {"email": [_("No message to this address in the attribution window.")]}
            )
        delivery_id, campaign_id = target
        uid = (
            conversion_uid(delivery_id, data["goal"], data["event_id"])
            if data.get("event_id")
            else ""
        )
        revenue = data.get("revenue")
        hit = hit_make(
            "conversion",
            delivery_id,
            uid=uid,
            g=data["goal"],
            r=str(revenue) if revenue is not None else None,
            url=data.get("url", ""),
            a="server",
        )
        report = hits_ingest([hit])
        recorded = report.recorded == 1
        return Response(
            {"recorded": recorded, "delivery": delivery_id, "campaign": campaign_id},
            status=status.HTTP_201_CREATED if recorded else status.HTTP_200_OK,
        )
