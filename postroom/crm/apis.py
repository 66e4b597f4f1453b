"""The CRM's REST API under /api/v1/crm/: thin views over the CRM services and selectors."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, pagination, permissions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from postroom.accounts.rest import (
    WorkspacePermission,
    WorkspaceViewSet,
    api_membership,
    request_user,
)
from postroom.accounts.roles import Perm
from postroom.core.rest.parsers import JSONParser
from postroom.crm import selectors
from postroom.crm.documents import contract_document_response
from postroom.crm.exports import analytics_csv
from postroom.crm.models import AdCampaign, Contract, Customer, Lead, Service, SpendEntry
from postroom.crm.serializers import (
    AdCampaignSerializer,
    AnalyticsQuerySerializer,
    AnalyticsSerializer,
    ContractSerializer,
    CrmSettingsSerializer,
    CustomerSerializer,
    LeadEventSerializer,
    LeadFilterSerializer,
    LeadSerializer,
    MergeSerializer,
    NoteSerializer,
    ServiceSerializer,
    SpendEntrySerializer,
    SpendImportResultSerializer,
    SpendImportSerializer,
)
from postroom.crm.services import catalogue, leads, sales


class _WorkspaceContext(WorkspaceViewSet):
    """Serializers check related ids against the request's workspace (see `Scoped`)."""

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and self.request.user.is_authenticated:
            context["workspace"] = self.workspace
        return context


class _CrmViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _WorkspaceContext,
):
    read_perm = Perm.CRM_VIEW
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _merged(self, serializer: Any, names: tuple[str, ...]) -> dict[str, Any]:
        """The instance's current values overlaid with the fields a PATCH sent."""
        data = dict(serializer.validated_data)
        return {name: data.get(name, getattr(serializer.instance, name, None)) for name in names}


class ServiceApi(_CrmViewSet):
    model = Service
    serializer_class = ServiceSerializer
    write_perm = Perm.CRM_MARKETING
    _fields = ("name", "description", "price", "is_active")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = catalogue.service_save(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = catalogue.service_save(
            workspace=self.workspace,
            service=serializer.instance,
            **self._merged(serializer, self._fields),
        )

    def perform_destroy(self, instance: Service) -> None:
        catalogue.service_delete(service=instance)


class AdCampaignApi(_CrmViewSet):
    model = AdCampaign
    serializer_class = AdCampaignSerializer
    write_perm = Perm.CRM_MARKETING
    _fields = (
        "name",
        "service",
        "channel",
        "budget",
        "starts_on",
        "ends_on",
        "email_campaign",
        "form_enabled",
        "consent_text",
    )

    def base_queryset(self) -> QuerySet[AdCampaign]:
        return AdCampaign.objects.select_related("service")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = catalogue.ad_campaign_save(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = catalogue.ad_campaign_save(
            workspace=self.workspace,
            ad_campaign=serializer.instance,
            **self._merged(serializer, self._fields),
        )

    def perform_destroy(self, instance: AdCampaign) -> None:
        catalogue.ad_campaign_delete(ad_campaign=instance)

    @extend_schema(request=SpendImportSerializer, responses=SpendImportResultSerializer)
    @action(
        detail=True, methods=["post"], url_path="spend-import", parser_classes=[MultiPartParser]
    )
    def spend_import(self, request: Request, pk: str) -> Response:
        """Add spend from a CSV (date, amount, note); bad lines come back by number, good ones stay."""
        ad_campaign = self.get_object()
        data = SpendImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 5 * 2**20:
            raise exceptions.ValidationError({"file": ["The file is larger than 5 MB."]})
        result = catalogue.spend_import(ad_campaign=ad_campaign, data=upload.read())
        errors = [{"line": line, "message": message} for line, message in result.errors]
        return Response({"created": result.created, "errors": errors})


class SpendEntryApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    _WorkspaceContext,
):
    """Spend entries of the advertising campaigns (filter with ?ad_campaign=ID)."""

    model = SpendEntry
    serializer_class = SpendEntrySerializer
    read_perm = Perm.CRM_VIEW
    write_perm = Perm.CRM_MARKETING

    def get_queryset(self) -> Any:
        entries = super().get_queryset()
        wanted = self.request.query_params.get("ad_campaign", "")
        return entries.filter(ad_campaign_id=wanted) if wanted.isdigit() else entries

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = catalogue.spend_add(**serializer.validated_data)

    def perform_destroy(self, instance: SpendEntry) -> None:
        catalogue.spend_delete(entry=instance)


class LeadCursor(pagination.CursorPagination):
    """Newest first, by id: no COUNT over a million leads."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _utm(data: dict[str, Any]) -> leads.Utm:
    return leads.Utm(**{name[4:]: data.get(name, "") or "" for name in leads.UTM_FIELDS})


class LeadApi(_CrmViewSet):
    model = Lead
    serializer_class = LeadSerializer
    write_perm = Perm.CRM_LEADS
    pagination_class = LeadCursor

    @extend_schema(parameters=[LeadFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False) or self.action != "list":
            return super().get_queryset()
        filters = LeadFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.lead_list(
            workspace=self.workspace,
            status=data.get("status", ""),
            ad_campaign_id=data.get("ad_campaign"),
            owner_id=data.get("owner"),
            duplicates=data["duplicates"],
            search=data["search"],
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = leads.lead_create(
            workspace=self.workspace,
            name=data["name"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            company=data.get("company", ""),
            ad_campaign=data.get("ad_campaign"),
            utm=_utm(data),
            status=data.get("status", "new"),
            owner=data.get("owner"),
            notes=data.get("notes", ""),
            visitor=data.get("visitor", ""),
            user=request_user(self.request),
        )

    def perform_update(self, serializer: Any) -> None:
        names = ("name", "email", "phone", "company", "ad_campaign", "status", "owner", "notes")
        merged = self._merged(serializer, names + leads.UTM_FIELDS)
        serializer.instance = leads.lead_update(
            lead=serializer.instance,
            user=request_user(self.request),
            utm=_utm(merged),
            **{name: merged[name] for name in names},
        )

    def perform_destroy(self, instance: Lead) -> None:
        leads.lead_delete(lead=instance)

    @extend_schema(responses=LeadEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        return Response(LeadEventSerializer(lead.events.all(), many=True).data)

    @extend_schema(request=NoteSerializer, responses={201: LeadEventSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = leads.lead_note_add(
            lead=lead, user=request_user(request), text=data.validated_data["text"]
        )
        return Response(LeadEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Fold another lead (a duplicate) into this one; the other is deleted."""
        keep = self.get_object()
        data = MergeSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        merged = leads.lead_merge(
            keep=keep, other=data.validated_data["other"], user=request_user(request)
        )
        return Response(LeadSerializer(merged, context=self.get_serializer_context()).data)


class CustomerApi(_CrmViewSet):
    model = Customer
    serializer_class = CustomerSerializer
    write_perm = Perm.CRM_SALES
    _fields = ("name", "email", "phone", "company")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = sales.customer_save(
            workspace=self.workspace, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = sales.customer_save(
            workspace=self.workspace,
            customer=serializer.instance,
            **self._merged(serializer, self._fields),
        )


class ContractApi(_CrmViewSet):
    model = Contract
    serializer_class = ContractSerializer
    write_perm = Perm.CRM_SALES
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = sales.contract_create(
            workspace=self.workspace, user=request_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        names = ("name", "service", "amount", "starts_on", "ends_on", "signed_on")
        serializer.instance = sales.contract_update(
            contract=serializer.instance,
            document=serializer.validated_data.get("document"),
            **self._merged(serializer, names),
        )

    def perform_destroy(self, instance: Contract) -> None:
        sales.contract_delete(contract=instance)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: str) -> FileResponse:
        """The contract's PDF: for sales managers, admins and owners of the workspace only."""
        if not api_membership(request).has(Perm.CRM_SALES):
            raise exceptions.PermissionDenied
        contract = self.get_object()
        return contract_document_response(contract, as_attachment=True)


class CrmSettingsApi(APIView):
    """The workspace's CRM currency: every amount of its CRM is in it."""

    permission_classes = (permissions.IsAuthenticated, WorkspacePermission)
    workspace_perms = {"GET": Perm.CRM_VIEW, "*": Perm.WORKSPACE_CHANGE}

    @extend_schema(responses=CrmSettingsSerializer)
    def get(self, request: Request) -> Response:
        settings = catalogue.crm_settings_get(workspace=api_membership(request).workspace)
        return Response(CrmSettingsSerializer(settings).data)

    @extend_schema(request=CrmSettingsSerializer, responses=CrmSettingsSerializer)
    def patch(self, request: Request) -> Response:
        data = CrmSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        workspace = api_membership(request).workspace
        currency = data.validated_data.get("currency")
        settings = (
            catalogue.crm_settings_get(workspace=workspace)
            if currency is None  # a PATCH without the field changes nothing
            else catalogue.crm_settings_save(workspace=workspace, currency=currency)
        )
        return Response(CrmSettingsSerializer(settings).data)


def analytics_period(data: dict[str, Any]) -> tuple[datetime.date, datetime.date]:
    """The asked period, by default the last 30 days up to today (UTC)."""
    until = data.get("until") or datetime.datetime.now(tz=datetime.UTC).date()
    since = data.get("since") or until - datetime.timedelta(days=29)
    if (until - since).days > 3660:
        raise exceptions.ValidationError({"since": ["The period is at most ten years."]})
    return since, until


class AnalyticsApi(APIView):
    """Spend, leads, cost per lead, customers, conversion rate, revenue and ROI over a period."""

    permission_classes = (permissions.IsAuthenticated, WorkspacePermission)
    workspace_perms = {"GET": Perm.CRM_VIEW}

    def _analytics(self, request: Request) -> tuple[Any, str]:
        query = AnalyticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, until = analytics_period(query.validated_data)
        workspace = api_membership(request).workspace
        result = selectors.analytics_get(
            workspace=workspace, since=since, until=until, channel=query.validated_data["channel"]
        )
        return result, catalogue.crm_settings_get(workspace=workspace).currency

    @extend_schema(parameters=[AnalyticsQuerySerializer], responses=AnalyticsSerializer)
    def get(self, request: Request) -> Response:
        result, currency = self._analytics(request)
        # Built by hand in AnalyticsSerializer's shape: a year of 200 campaigns is hundreds of
        # lines, and field-by-field serializing them cost more than the queries.
        return Response(
            {
                "since": result.since.isoformat(),
                "until": result.until.isoformat(),
                "currency": currency,
                "total": _figures_json(result.total, key=None, label="total"),
                "campaigns": [_figures_json(f) for f in result.campaigns],
                "channels": [_figures_json(f) for f in result.channels],
                "days": [_figures_json(f) for f in result.days],
            }
        )


def _figures_json(figures: Any, **fixed: Any) -> dict[str, Any]:
    """One line as decimal strings (never floats); None where a rate is undefined."""
    line: dict[str, Any] = {"key": str(figures.key), "label": figures.label}
    line.update(fixed)
    for name, value in figures.as_dict().items():
        line[name] = value if isinstance(value, int) or value is None else str(value)
    return line


class AnalyticsCsvApi(AnalyticsApi):
    @extend_schema(
        parameters=[AnalyticsQuerySerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request) -> Response:
        result, currency = self._analytics(request)
        return analytics_csv(result, currency=currency)  # type: ignore[return-value]
