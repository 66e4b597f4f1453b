from rest_framework import serializers

from postroom.webhooks.models import (
    SUBSCRIBABLE,
    MessageStatus,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookMessage,
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    url = serializers.CharField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE), allow_empty=False
    )

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "url",
            "description",
            "event_types",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "failing_since",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "failing_since",
            "created_at",
            "updated_at",
        )


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The endpoint as created, with its signing secret (also readable later at `secret/`)."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields: tuple[str, ...] = (*WebhookEndpointSerializer.Meta.fields, "secret")  # type: ignore[assignment]


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="whsec_<base64>: the HMAC key is the decoded part.")


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("at", "status_code", "response", "duration_ms", "error")


class WebhookMessageSerializer(serializers.ModelSerializer):
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookMessage
        fields = (
            "id",
            "event_id",
            "event_type",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "sent_at",
            "attempt_log",
        )


class WebhookMessageFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MessageStatus.choices, required=False)
