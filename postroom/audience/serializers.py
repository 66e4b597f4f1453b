from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from postroom.audience.attribute_indexes import attribute_index_states
from postroom.audience.models import (
    CustomField,
    Import,
    ImportIssue,
    ImportMode,
    MailingList,
    Segment,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)


class SubscriptionBriefSerializer(serializers.ModelSerializer):
    list = serializers.IntegerField(source="mailing_list_id", read_only=True)

    class Meta:
        model = Subscription
        fields = ("list", "status", "source", "subscribed_at", "unsubscribed_at")


class SubscriberSerializer(serializers.ModelSerializer):
    subscriptions = SubscriptionBriefSerializer(many=True, read_only=True)
    # An object, not any JSON (the model field takes any): `true` or a list is a 400.
    attributes = serializers.DictField(required=False, help_text="custom field name -> value")
    lists = serializers.ListField(
        child=serializers.IntegerField(), write_only=True, required=False, default=list
    )

    class Meta:
        model = Subscriber
        fields = (
            "id",
            "email",
            "external_id",
            "full_name",
            "comment",
            "attributes",
            "time_zone",
            "language",
            "source",
            "status",
            "subscriptions",
            "lists",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")
        # The service checks both identifiers (format, one at least, unique in the workspace).
        extra_kwargs: dict[str, dict[str, Any]] = {
            "email": {"validators": [], "help_text": "null for a contact without email"},
            "external_id": {
                "validators": [],
                "help_text": "your app's id for the contact, unique in the workspace;"
                " a subscriber has an email, an external id or both",
            },
        }


class MailingListSerializer(serializers.ModelSerializer):
    subscribed = serializers.SerializerMethodField(help_text="subscribed members")

    class Meta:
        model = MailingList
        fields = (
            "id",
            "name",
            "description",
            "opt_in",
            "is_public",
            "public_archive",
            "public_id",
            "subscribed",
            "created_at",
        )
        read_only_fields = ("id", "public_id", "created_at")

    def get_subscribed(self, obj: MailingList) -> int:
        # Lists read through the API are annotated with the count; a list just
        # created has nobody on it yet.
        return getattr(obj, "subscribed", 0)


class ListSubscriptionSerializer(serializers.ModelSerializer):
    subscriber = serializers.IntegerField(source="subscriber_id", read_only=True)
    email = serializers.EmailField(source="subscriber.email", read_only=True, allow_null=True)
    external_id = serializers.CharField(
        source="subscriber.external_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Subscription
        fields = (
            "subscriber",
            "email",
            "external_id",
            "status",
            "source",
            "subscribed_at",
            "confirmed_at",
            "unsubscribed_at",
            "confirmation_ip",
        )


class ListSubscriptionWriteSerializer(serializers.Serializer):
    subscriber = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices)


class SegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = ("id", "name", "description", "definition", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")

    def validate_definition(self, value: Any) -> Any:
        from postroom.audience.segments import segment_q

        try:
            segment_q(value, workspace_id=self.context["workspace"].pk)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return value


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class CustomFieldSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="the values a choice field allows",
    )
    index_state = serializers.SerializerMethodField(
        help_text="ready, or building until segments can use the index; null when not indexed"
        " (and on SQLite, which needs no index)"
    )

    class Meta:
        model = CustomField
        fields = (
            "id",
            "name",
            "label",
            "type",
            "required",
            "default",
            "choices",
            "position",
            "indexed",
            "index_state",
        )
        read_only_fields = ("id",)

    def get_index_state(self, field: CustomField) -> str | None:
        # One catalogue query per response, not per field.
        context: dict[str, Any] = self.context  # type: ignore[assignment]
        if "index_states" not in context:
            context["index_states"] = attribute_index_states(workspace_id=field.workspace_id)
        return context["index_states"].get(field.pk)


class SuppressionSerializer(serializers.ModelSerializer):
    value = serializers.CharField(write_only=True, help_text="An address, or @domain")
    reason = serializers.ChoiceField(choices=SuppressionReason.choices, default="manual")

    class Meta:
        model = Suppression
        fields = ("id", "value", "email", "domain", "reason", "note", "created_at")
        read_only_fields = ("id", "email", "domain", "created_at")


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    lists = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.ADD)
    status = serializers.ChoiceField(
        choices=SubscriptionStatus.choices, default=SubscriptionStatus.SUBSCRIBED
    )
    mapping = serializers.JSONField(
        required=False,
        help_text="CSV column -> field (email, full_name, first_name, last_name, comment, time_zone,"
        " language, attr:<custom field>); when omitted, the mapping last used for the same"
        " columns, else guessed from the header",
    )

    def validate_mapping(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or not all(
            isinstance(target, str) for target in value.values()
        ):
            raise serializers.ValidationError(
                _('An object of column names to field names, e.g. {"E-mail": "email"}.')
            )
        return value


class ImportSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True)
    lists: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Import
        fields = (
            "id",
            "file_name",
            "status",
            "progress",
            "mode",
            "lists",
            "encoding",
            "delimiter",
            "mapping",
            "rows",
            "created",
            "updated",
            "unchanged",
            "duplicates",
            "invalid",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        )


class ImportIssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportIssue
        fields = ("line", "email", "reason")
