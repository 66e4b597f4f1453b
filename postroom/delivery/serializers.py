from typing import Any

from rest_framework import serializers

from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus, SmtpRelay
from postroom.delivery.services.relays import FIELDS as RELAY_FIELDS


class RelaySerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )
    dkim_key = serializers.CharField(write_only=True, required=False, allow_blank=True)
    mailbox_password = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )
    has_password = serializers.SerializerMethodField()
    has_dkim_key = serializers.SerializerMethodField()
    has_mailbox_password = serializers.SerializerMethodField()

    class Meta:
        model = SmtpRelay
        fields = (
            "id",
            *RELAY_FIELDS,
            "password",
            "has_password",
            "dkim_key",
            "has_dkim_key",
            "mailbox_password",
            "has_mailbox_password",
            "mailbox_polled_at",
            "mailbox_error",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "mailbox_polled_at", "mailbox_error", "created_at", "updated_at")

    def get_has_password(self, relay: SmtpRelay) -> bool:
        return bool(relay.password_encrypted)

    def get_has_dkim_key(self, relay: SmtpRelay) -> bool:
        return bool(relay.dkim_key_encrypted)

    def get_has_mailbox_password(self, relay: SmtpRelay) -> bool:
        return bool(relay.mailbox_password_encrypted)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = (
            "at",
            "duration_ms",
            "outcome",
            "smtp_code",
            "enhanced_code",
            "response",
            "phase",
            "relay",
        )


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = (
            "id",
            "run",
            "subscriber",
            "email",
            "status",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "last_code",
            "last_response",
            "reclaimed",
            "attempt_log",
        )


class ProgressSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    rate_per_minute = serializers.IntegerField()
    estimated_finish = serializers.DateTimeField(allow_null=True)
    possible_duplicates = serializers.IntegerField()
    relay = serializers.CharField()
    sandbox = serializers.BooleanField()
    breaker = serializers.CharField()
    breaker_retry_in = serializers.IntegerField()
    breaker_reason = serializers.CharField()
    paused_reason = serializers.CharField()


class DeliveryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    search = serializers.CharField(required=False, allow_blank=True)

    def to_filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.validated_data.items() if v}


class TestSendSerializer(serializers.Serializer):
    to = serializers.ListField(child=serializers.EmailField(), min_length=1, max_length=5)
    subscriber = serializers.IntegerField(required=False)


class TestSendResultSerializer(serializers.Serializer):
    to = serializers.ListField(child=serializers.EmailField(), help_text="Queued for these")
    suppressed = serializers.ListField(
        child=serializers.EmailField(), help_text="Skipped: on the suppression list"
    )
