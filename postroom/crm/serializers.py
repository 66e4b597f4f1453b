from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from postroom.accounts.models import User
from postroom.campaigns.models import Campaign
from postroom.crm.models import (
    AdCampaign,
    Channel,
    Contract,
    CrmSettings,
    Customer,
    Lead,
    LeadEvent,
    LeadStatus,
    Service,
    SpendEntry,
)
from postroom.crm.money import DECIMAL_PLACES, MAX_DIGITS


@extend_schema_field(OpenApiTypes.INT)
class Scoped(serializers.PrimaryKeyRelatedField):
    """A related id that must belong to the request's workspace (else: does not exist)."""

    def __init__(self, model: Any, field: str = "workspace", **kwargs: Any) -> None:
        self.model, self.scope_field = model, field
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        workspace = self.context.get("workspace")
        if self.model is User:
            return User.objects.filter(memberships__workspace=workspace)
        return self.model._default_manager.filter(**{self.scope_field: workspace})


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, min_value=0, **kwargs
    )


class CrmSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrmSettings
        fields = ("currency",)


class ServiceSerializer(serializers.ModelSerializer):
    price = _money()

    class Meta:
        model = Service
        fields = ("id", "name", "description", "price", "is_active", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
        validators: list[object] = []


class AdCampaignSerializer(serializers.ModelSerializer):
    service = Scoped(Service)
    email_campaign = Scoped(Campaign, allow_null=True, required=False)
    budget = _money()
    spend_total = _money(read_only=True)
    form_url = serializers.SerializerMethodField()

    class Meta:
        model = AdCampaign
        fields = (
            "id",
            "name",
            "service",
            "channel",
            "email_campaign",
            "budget",
            "starts_on",
            "ends_on",
            "form_enabled",
            "consent_text",
            "spend_total",
            "form_id",
            "form_url",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "form_id", "created_at", "updated_at")
        validators: list[object] = []

    def get_form_url(self, obj: AdCampaign) -> str:
        return f"/f/{obj.form_id}/"


class SpendEntrySerializer(serializers.ModelSerializer):
    ad_campaign = Scoped(AdCampaign)
    amount = _money()
    from_relay = serializers.BooleanField(
        read_only=True, help_text="Derived from the relay's cost per 1,000 messages."
    )
    relay_messages = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Messages the derived amount is for."
    )

    class Meta:
        model = SpendEntry
        fields = (
            "id",
            "ad_campaign",
            "date",
            "amount",
            "note",
            "from_relay",
            "relay_messages",
            "created_at",
        )
        read_only_fields = ("id", "created_at")


class SpendImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV: date (YYYY-MM-DD), amount, note")


class SpendImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


class LeadSerializer(serializers.ModelSerializer):
    ad_campaign = Scoped(AdCampaign, allow_null=True, required=False)
    owner = Scoped(User, allow_null=True, required=False)
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    visitor = serializers.CharField(
        max_length=64,
        required=False,
        write_only=True,
        help_text="The pr_v value a tracked email click added to the landing page",
    )

    class Meta:
        model = Lead
        fields = (
            "id",
            "name",
            "email",
            "phone",
            "company",
            "ad_campaign",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "status",
            "owner",
            "notes",
            "visitor",
            "email_campaign",
            "subscriber",
            "customer",
            "duplicate_of",
            "converted_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "email_campaign",
            "subscriber",
            "customer",
            "duplicate_of",
            "converted_on",
            "created_at",
            "updated_at",
        )


class LeadFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    ad_campaign = serializers.IntegerField(required=False, min_value=1)
    owner = serializers.IntegerField(required=False, min_value=1)
    duplicates = serializers.BooleanField(required=False, default=False)
    search = serializers.CharField(required=False, max_length=200, default="")


class LeadEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadEvent
        fields = ("id", "at", "kind", "text", "user")


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class MergeSerializer(serializers.Serializer):
    other = Scoped(Lead, help_text="The lead folded into this one (and deleted)")


class CustomerSerializer(serializers.ModelSerializer):
    contracts_total = _money(read_only=True)

    class Meta:
        model = Customer
        fields = (
            "id",
            "name",
            "email",
            "phone",
            "company",
            "subscriber",
            "contracts_total",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "subscriber", "created_at", "updated_at")


class ContractSerializer(serializers.ModelSerializer):
    lead = Scoped(Lead, allow_null=True, required=False)
    customer = Scoped(Customer, allow_null=True, required=False)
    service = Scoped(Service)
    amount = _money()
    signed_on = serializers.DateField(required=False)
    document = serializers.FileField(
        required=False, write_only=True, help_text="PDF, 10 MB at most"
    )
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = (
            "id",
            "name",
            "lead",
            "customer",
            "service",
            "ad_campaign",
            "signed_on",
            "starts_on",
            "ends_on",
            "amount",
            "document",
            "has_document",
            "document_name",
            "document_size",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "ad_campaign",
            "document_name",
            "document_size",
            "created_at",
            "updated_at",
        )

    def get_has_document(self, obj: Contract) -> bool:
        return bool(obj.document)


class AnalyticsQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": "The end comes before the start."})
        return attrs


class FiguresSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]
    spend = serializers.DecimalField(max_digits=MAX_DIGITS, decimal_places=2)
    leads = serializers.IntegerField()
    cost_per_lead = serializers.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=2, allow_null=True
    )
    customers = serializers.IntegerField()
    conversion_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    revenue = serializers.DecimalField(max_digits=MAX_DIGITS, decimal_places=2)
    roi = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)


class AnalyticsSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    currency = serializers.CharField()
    total = FiguresSerializer()
    campaigns = FiguresSerializer(many=True)
    channels = FiguresSerializer(many=True)
    days = FiguresSerializer(many=True)
